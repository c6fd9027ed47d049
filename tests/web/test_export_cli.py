"""`guichet export`: an applicant's submitted dossier, as an agent's spreadsheet reads
it, on stdout or in a file; unknown filters refused with what is known."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from tests.definitions import ESSAI
from web.cli import main


def _env(instance_dir: str) -> dict[str, str]:
    return {"GUICHET_INSTANCE": instance_dir}


def test_export_csv__submitted_dossier_on_stdout_masked_by_default(maria, runner,
                                                                    instance_dir):
    maria.create_dossier()  # a draft: not exported
    number = maria.submitted_dossier()
    result = runner.invoke(main, ["export", ESSAI, "--format", "csv"], env=_env(instance_dir))
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig")))
    assert row["_number"] == number and row["_state"] == "presente"
    assert row["langues.espagnol"] == "true" and row["langues.anglais"] == "false"
    assert row["autre_langue"] == "Wolof" and row["numero"] == "masqué"
    shown = runner.invoke(main, ["export", ESSAI, "--format", "csv", "--include-masked"],
                          env=_env(instance_dir))
    (row,) = csv.DictReader(io.StringIO(shown.stdout_bytes.decode("utf-8-sig")))
    assert row["numero"] == "12345678"


def test_export_xlsx__to_a_file(maria, runner, instance_dir, tmp_path: Path):
    number = maria.submitted_dossier()
    out = tmp_path / "dossiers.xlsx"
    result = runner.invoke(main, ["export", ESSAI, "--state", "presente", "--format", "xlsx",
                                  "--output", str(out)], env=_env(instance_dir))
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out, read_only=True)["dossiers"]
    table = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in table] == ["_number", number]
    assert not (tmp_path / "dossiers.xlsx.part").exists()


def test_export__unknown_state_or_type__exit_1_nothing_written(runner, instance_dir,
                                                               tmp_path: Path):
    out = tmp_path / "x.csv"
    result = runner.invoke(main, ["export", ESSAI, "--state", "ferme", "--format", "csv",
                                  "--output", str(out)], env=_env(instance_dir))
    assert result.exit_code == 1
    assert ("unknown state 'ferme'; known: brouillon, presente, en_traitement, "
            "rencontre_fixee, a_corriger, classe, expire") in result.output
    assert not out.exists()
    result = runner.invoke(main, ["export", "inconnu", "--format", "json"],
                           env=_env(instance_dir))
    assert result.exit_code == 1 and "not published here" in result.output


def test_export__version_no_row_can_have__exit_1_not_a_traceback(runner, instance_dir):
    for version in ("99999999999999999999999", "2147483648", "0", "-1"):
        result = runner.invoke(main, ["export", ESSAI, "--version", version, "--format", "csv"],
                               env=_env(instance_dir))
        assert result.exit_code == 1, (version, result.output)
        assert "not published here" in result.output and "Traceback" not in result.output

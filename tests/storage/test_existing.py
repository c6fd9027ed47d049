"""Agents register existing dossiers: `guichet dossiers register-existing` and
`guichet dossiers import FILE.csv`, with a report of the rows refused and why."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

import storage
from tests.definitions import DIRECTORY, ESSAI

from .conftest import rows

HEADER = "type,number,given_name,family_name,sex,birth_date\n"


@pytest.fixture
def guichet(instance_dir, database_url, monkeypatch):
    """Run `guichet ...` on the tests' database and the tests' dossier types (the
    command compiles "forms/": here tests/definitions/); returns the click Result."""
    from web.cli import main

    monkeypatch.setattr("engine.pipeline.forms_dir", lambda: DIRECTORY)

    env = {"GUICHET_INSTANCE": instance_dir, "DATABASE_URL": database_url or ""}

    def run(*args: str):
        return CliRunner().invoke(main, list(args), env=env)

    return run


def test_register_existing__valid__registered_without_owner(guichet):
    result = guichet("dossiers", "register-existing", "--type", ESSAI, "--number", "g2100076952",
                     "--given-name", "Gunter", "--family-name", "DiCaprio", "--sex", "m",
                     "--birth-date", "1970-07-01")
    assert result.exit_code == 0, result.output
    assert "registered G2100076952" in result.output
    (row,) = rows("Dossier")
    assert (row["number"], row["owner"], row["sex"], row["birth_date"], row["status"]) == (
        "G2100076952", None, "M", date(1970, 7, 1), "brouillon")
    again = guichet("dossiers", "register-existing", "--type", ESSAI, "--number", "G2100076952",
                    "--given-name", "X", "--family-name", "Y", "--sex", "F",
                    "--birth-date", "1980-01-01")
    assert again.exit_code == 1 and "duplicate number G2100076952" in again.output


@pytest.mark.parametrize("option, value, reason", [
    ("--type", "inconnu", "unknown dossier type 'inconnu'"),
    ("--number", "G21-0076952", "malformed number 'G21-0076952'"),
    ("--birth-date", "1970-13-01", "bad birth date '1970-13-01'"),
    ("--given-name", " ", "missing given_name"),
])
def test_register_existing__bad_value__refused_with_the_reason(guichet, option,
                                                                value, reason):
    values = {"--type": ESSAI, "--number": "G2100076952", "--given-name": "Gunter",
              "--family-name": "DiCaprio", "--sex": "M", "--birth-date": "1970-07-01",
              option: value}
    result = guichet("dossiers", "register-existing", *[x for kv in values.items() for x in kv])
    assert result.exit_code == 1 and reason in result.output
    assert rows("Dossier") == []


def test_import__mixed_file__good_rows_registered_report_with_lines_and_reasons(
        guichet, tmp_path):
    csv_file = tmp_path / "dossiers.csv"
    csv_file.write_text(
        "\ufeff" + HEADER
        + f"{ESSAI},G2100076952,Gunter,DiCaprio,M,1970-07-01\n"
        + f"{ESSAI},G2100076953,Maria,Valdero,F,2000-31-01\n"
        + "inconnu,G2100076954,Ana,Lopez,F,1990-01-01\n"
        + f"{ESSAI},X123,Ana,Lopez,F,1990-01-01\n"
        + f"{ESSAI},G2100076952,Autre,Personne,X,1985-05-05\n"
        + "\n"
        + f'{ESSAI},G2100076955,"José, Maria",Núñez,X,1991-02-03\n',
        encoding="utf-8")
    result = guichet("dossiers", "import", str(csv_file))
    assert result.exit_code == 1  # some rows refused
    out = result.output
    assert "line 2: registered G2100076952" in out and "line 8: registered G2100076955" in out
    assert "line 3: refused: bad birth date '2000-31-01'" in out
    assert "line 4: refused: unknown dossier type 'inconnu'" in out
    assert "line 5: refused: malformed number 'X123'" in out
    assert "line 6: refused: duplicate number G2100076952" in out
    assert "2 row(s) registered, 4 refused" in out
    assert sorted(r["number"] for r in rows("Dossier")) == ["G2100076952", "G2100076955"]
    assert rows("Dossier", number="G2100076955")[0]["given_names"] == "José, Maria"


def test_import__header_without_a_column__refused_whole_file(guichet, tmp_path):
    csv_file = tmp_path / "dossiers.csv"
    csv_file.write_text("type,number,given_name,family_name,birth_date\n", encoding="utf-8")
    result = guichet("dossiers", "import", str(csv_file))
    assert result.exit_code == 1 and "the header lacks sex" in result.output


def test_import__all_good__exit_0_and_the_applicant_can_link(guichet, tmp_path,
                                                             make_account):
    csv_file = tmp_path / "dossiers.csv"
    csv_file.write_text(HEADER + f"{ESSAI},G2100076952,Günter,DiCaprio,M,1970-07-01\n",
                        encoding="utf-8")
    result = guichet("dossiers", "import", str(csv_file))
    assert result.exit_code == 0 and "1 row(s) registered, 0 refused" in result.output
    gunter = make_account(given_names="gunter", family_names="DICAPRIO", sex="M",
                          birth_date="1970-07-01")
    assert storage.link_existing(gunter.id, ESSAI, "G2100076952").owner_id == gunter.id


def test_import__latin1_file__clean_error_exit_1_nothing_registered(guichet, tmp_path):
    csv_file = tmp_path / "dossiers.csv"
    csv_file.write_bytes((HEADER + f"{ESSAI},G2100076952,Gunter,DiCaprio,M,1970-07-01\n"
                          + f"{ESSAI},G2100076953,Gérard,Côté,M,1970-07-01\n")
                         .encode("latin-1"))
    result = guichet("dossiers", "import", str(csv_file))
    assert result.exit_code == 1
    assert "is not UTF-8 text" in result.output and "CSV UTF-8" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, KeyError)
    assert rows("Dossier") == []


def test_import__semicolon_separated_file__registered(guichet, tmp_path):
    csv_file = tmp_path / "dossiers.csv"
    csv_file.write_text(HEADER.replace(",", ";")
                        + f"{ESSAI};G2100076952;José, Maria;Núñez;M;1970-07-01\n",
                        encoding="utf-8")
    result = guichet("dossiers", "import", str(csv_file))
    assert result.exit_code == 0, result.output
    assert "line 2: registered G2100076952" in result.output
    assert rows("Dossier")[0]["given_names"] == "José, Maria"


def test_import__row_with_an_extra_value__refused_with_its_line(guichet, tmp_path):
    csv_file = tmp_path / "dossiers.csv"
    csv_file.write_text(HEADER + f"{ESSAI},G2100076952,José, Maria,Núñez,M,1970-07-01\n"
                        + f"{ESSAI},G2100076953,Ana,Lopez,F,1990-01-01\n", encoding="utf-8")
    result = guichet("dossiers", "import", str(csv_file))
    assert result.exit_code == 1
    assert ("line 2: refused: this row holds 7 values but the header names 6 columns"
            in result.output)
    assert [r["number"] for r in rows("Dossier")] == ["G2100076953"]

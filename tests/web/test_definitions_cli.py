"""`guichet db init`, `guichet check` and `guichet definitions list` against the published
versions of the configured database (issue 14, item 1)."""

from __future__ import annotations

from pathlib import Path

import storage
from engine import Registry, convert
from tests.definitions import DIRECTORY, ESSAI
from web import store_of
from web.cli import main

ESSAI_TEXT = (DIRECTORY / "essai.yaml").read_text(encoding="utf-8")


def _version_line(text: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith("version:"))


def _env(instance_dir: str) -> dict[str, str]:
    return {"GUICHET_INSTANCE": instance_dir}


def test_check__published_version_edited__error_at_its_version_line(runner, instance_dir,
                                                                     tmp_path: Path):
    assert runner.invoke(main, ["db", "init"], env=_env(instance_dir)).exit_code == 0
    edited = tmp_path / "essai.yaml"
    edited.write_text(ESSAI_TEXT.replace("Dossier d'essai", "Dossier d'essai modifié"),
                      encoding="utf-8")
    result = runner.invoke(main, ["check", str(edited)], env=_env(instance_dir))
    assert result.exit_code == 1
    assert (f"{edited}:{_version_line(ESSAI_TEXT)}: version 3 of {ESSAI} is already published "
            "with other content: increase `version`") in result.output


def test_check__edited_file_with_a_new_version__ok(runner, instance_dir, tmp_path: Path):
    assert runner.invoke(main, ["db", "init"], env=_env(instance_dir)).exit_code == 0
    bumped = tmp_path / "essai.yaml"
    bumped.write_text(ESSAI_TEXT.replace("Dossier d'essai", "Dossier d'essai modifié")
                      .replace("\nversion: 3\n", "\nversion: 4\n"), encoding="utf-8")
    result = runner.invoke(main, ["check", str(bumped)], env=_env(instance_dir))
    assert result.exit_code == 0, result.output


def test_db_init__published_version_edited__refused_and_stored_text_kept(
        runner, instance_dir, tmp_path: Path, monkeypatch):
    assert runner.invoke(main, ["db", "init"], env=_env(instance_dir)).exit_code == 0
    edited = tmp_path / "essai.yaml"
    edited.write_text(ESSAI_TEXT.replace("Dossier d'essai", "Autre titre"), encoding="utf-8")
    monkeypatch.setattr("engine.pipeline.forms_dir", lambda: tmp_path)
    result = runner.invoke(main, ["db", "init"], env=_env(instance_dir))
    assert result.exit_code == 2  # a definition that cannot be used, as `serve` says
    assert f"{edited}:{_version_line(ESSAI_TEXT)}: version 3 of {ESSAI}" in result.output


def test_definitions_list__dossiers__counted_by_version_and_state(maria, runner, instance_dir):
    maria.create_dossier()
    maria.submitted_dossier()
    result = runner.invoke(main, ["definitions", "list"], env=_env(instance_dir))
    assert result.exit_code == 0, result.output
    assert f"{ESSAI} version 3  (forms/): 1 brouillon, 1 " in result.output


MIGRATIONS_DIR = DIRECTORY / "migrations"


def test_check__migrate_without_drop_against_published_v1__error_at_from_line(
        runner, instance_dir, tmp_path: Path, monkeypatch):
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "demenagement.yaml").write_text((MIGRATIONS_DIR / "v1.yaml").read_text("utf-8"),
                                             encoding="utf-8")
    monkeypatch.setattr("engine.pipeline.forms_dir", lambda: forms)
    assert runner.invoke(main, ["db", "init"], env=_env(instance_dir)).exit_code == 0
    text = (MIGRATIONS_DIR / "v2.yaml").read_text("utf-8")
    v2 = tmp_path / "v2.yaml"
    v2.write_text(text.replace("    drop_fields: [note_ancienne]\n", ""), encoding="utf-8")
    result = runner.invoke(main, ["check", str(v2)], env=_env(instance_dir))
    assert result.exit_code == 1
    line = next(n for n, s in enumerate(text.splitlines(), 1) if "- from: 1" in s)
    assert f"{v2}:{line}: The field 'note_ancienne' of version 1 is gone" in result.output
    v2.write_text(text, encoding="utf-8")
    assert runner.invoke(main, ["check", str(v2)], env=_env(instance_dir)).exit_code == 0


def test_dossiers_audit__hidden_answer__trail_and_archive_printed(maria, runner, instance_dir):
    number = maria.create_dossier()
    assert maria.fill(number, "identite", {"a_numero": "true", "numero": "12345678"}
                      ).status_code == 302
    assert maria.fill(number, "identite", {"a_numero": "false"}).status_code == 302
    result = runner.invoke(main, ["dossiers", "audit", number.lower()], env=_env(instance_dir))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.endswith(' archive {"fields": {"numero": "hidden"}}') for line in lines)
    assert "archive: 1 answer(s)" in lines
    assert lines[-1].endswith(' numero = "12345678" (version 3, hidden)')
    unknown = runner.invoke(main, ["dossiers", "audit", "G0000000000"], env=_env(instance_dir))
    assert unknown.exit_code == 1 and "no dossier G0000000000" in unknown.output


def test_impact__v1_draft_under_v2__dry_run_printed_nothing_changed(app, runner, instance_dir):
    v1 = convert(MIGRATIONS_DIR / "v1.yaml").compiled
    with store_of(app).bound():
        storage.publish_definitions([v1])
        someone = storage.create_account("impact@example.org", "hash", {
            "given_names": "Ana", "family_names": "Lima", "sex": "F",
            "birth_date": "1990-01-01"}, "fr")
        draft = storage.create_dossier(Registry([v1]), someone.id, "demenagement")
        storage.save_section(Registry([v1]), someone.id, draft.number, "depart",
                             {"note_ancienne": "x"}, draft.version)
    result = runner.invoke(main, ["impact", str(MIGRATIONS_DIR / "v2.yaml")],
                           env=_env(instance_dir))
    assert result.exit_code == 0, result.output
    assert ("en_cours: 1 dossier(s), 1 would be migrated, 0 stay on their version; "
            "archived: note_ancienne (dropped_by_migration): 1; 1 with new questions to "
            "answer") in result.output
    with store_of(app).bound():
        assert storage.get_dossier(someone.id, draft.number).definition_version == 1
        assert storage.archived_answers(draft.number) == []
    # a file `guichet check` refuses is no dry run: its errors, exit 2
    text = (MIGRATIONS_DIR / "v2.yaml").read_text("utf-8")
    broken = Path(str(instance_dir)) / "v2-broken.yaml"
    broken.write_text(text.replace("    drop_fields: [note_ancienne]\n", ""), encoding="utf-8")
    refused = runner.invoke(main, ["impact", str(broken)], env=_env(instance_dir))
    assert refused.exit_code == 2
    assert "The field 'note_ancienne' of version 1 is gone" in refused.output
    assert "would be migrated" not in refused.output


def test_forms_dir_setting__check_and_db_init__read_that_folder(runner, instance_dir,
                                                                 tmp_path: Path):
    moving = tmp_path / "demenagement.yaml"
    moving.write_text((DIRECTORY / "migrations" / "v1.yaml").read_text(encoding="utf-8"),
                      encoding="utf-8")
    env = {**_env(instance_dir), "GUICHET_FORMS_DIR": str(tmp_path)}
    checked = runner.invoke(main, ["check"], env=env)
    assert checked.exit_code == 0 and f"1 definition(s) OK: {moving}" in checked.output
    assert runner.invoke(main, ["db", "init"], env=env).exit_code == 0
    with storage.db_session:
        assert 1 in storage.published_definitions(["demenagement"])["demenagement"]


def test_check__migrate_with_no_older_version_anywhere__says_only_targets_were_checked(
        runner, tmp_path: Path):
    v2 = tmp_path / "v2.yaml"
    v2.write_text((MIGRATIONS_DIR / "v2.yaml").read_text("utf-8"), encoding="utf-8")
    empty = tmp_path / "instance"  # no database there: nothing published to compare with
    files_alone = {**_env(str(empty)), "DATABASE_URL": ""}
    result = runner.invoke(main, ["check", str(v2)], env=files_alone)
    assert result.exit_code == 0, result.output
    assert "no older version found (published or given): only the targets" in result.output


def test_check__one_broken_file_of_three__count_says_which_part(runner, instance_dir,
                                                                 tmp_path: Path):
    """"3 error(s) in 3 file(s)" read as if every file was wrong: the summary counts the
    files with errors."""
    forms = Path(__file__).resolve().parents[2] / "forms"
    for source in sorted(forms.glob("*.yaml")):
        if not source.name.endswith(".tests.yaml"):
            (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"),
                                                encoding="utf-8")
    broken = sorted(tmp_path.glob("*.yaml"))[0]
    broken.write_text(broken.read_text(encoding="utf-8").replace(
        "deadline_days:", "deadline_days: 0\nold_deadline:", 1), encoding="utf-8")
    result = runner.invoke(main, ["check", str(tmp_path)], env=_env(instance_dir))
    assert result.exit_code == 1
    checked = len(list(tmp_path.glob("*.yaml")))
    assert checked >= 3
    assert "error(s) in 1 file(s)." in result.output

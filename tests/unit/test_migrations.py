"""Migrations between versions (issue 14, item 3): `guichet check` verifies them against
both versions, each error at file:line; applying a chain moves answers and state.

The versions are tests/definitions/migrations/v1.yaml, v2.yaml, v3.yaml (owned by tests/);
each case edits v2's text and names the line the error must be at.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from engine import convert, convert_text
from engine.errors import ErrorCode, error
from engine.migrate import Migrated, apply, chain, check_versions, fit, what_changed
from web.cli import main

HERE = Path(__file__).parent.parent / "definitions" / "migrations"
V1, V2, V3 = (HERE / f"v{n}.yaml" for n in (1, 2, 3))


def line_of(result, needle: str) -> int:
    """The line of `needle` in the text `edited` converted."""
    lines = result.text.splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def edited(old: str, new: str, text: str | None = None):
    """v2.yaml (or `text`) with `old` replaced by `new`, converted as "v2.yaml"; its text
    kept."""
    text = V2.read_text(encoding="utf-8") if text is None else text
    assert old in text
    result = convert_text(text.replace(old, new, 1), "v2.yaml")
    result.text = text.replace(old, new, 1)
    return result


def older() -> dict:
    return {1: convert(V1).definition}


def test_check__shipped_chain__no_error():
    assert check_versions(convert(V2).definition, older()) == []
    assert check_versions(convert(V3).definition,
                          {1: convert(V1).definition, 2: convert(V2).definition}) == []


def test_check__rename_to_unknown_field__error_at_its_line():
    result = edited("rename_fields: {ville: ville_depart}", "rename_fields: {ville: ville_x}")
    line = line_of(result, "rename_fields:")
    expected = error(ErrorCode.MIGRATION_UNKNOWN_TARGET, "v2.yaml", line, source=1,
                     what="the field 'ville'", target="ville_x", where="a field")
    assert expected in result.errors


def test_check__rename_to_unknown_option_and_state__errors_at_their_lines():
    result = edited("rename_states: {en_cours: brouillon}", "rename_states: {en_cours: nulle}")
    line = line_of(result, "rename_states:")
    assert error(ErrorCode.MIGRATION_UNKNOWN_TARGET, "v2.yaml", line, source=1,
                 what="the state 'en_cours'", target="nulle",
                 where="a workflow state") in result.errors
    result = edited("{telephone: par_telephone}", "{telephone: par_pigeon}")
    line = line_of(result, "rename_options:")
    assert error(ErrorCode.MIGRATION_UNKNOWN_TARGET, "v2.yaml", line, source=1,
                 what="the option 'telephone'", target="par_pigeon",
                 where="an option of the field 'moyen'") in result.errors


def test_check__field_gone_without_rename_or_drop_under_migrate__error_at_from_line():
    result = edited("    drop_fields: [note_ancienne]\n", "")
    assert result.ok
    errors = check_versions(result.definition, older())
    assert errors == [error(ErrorCode.UNMIGRATED_FIELD, "v2.yaml",
                            line_of(result, "- from: 1"), field="note_ancienne", source=1)]
    assert str(errors[0]).startswith(f"v2.yaml:{line_of(result, '- from: 1')}: ")


def test_check__option_and_state_gone_without_rename_under_migrate__errors():
    result = edited("    rename_states: {en_cours: brouillon}\n", "")
    result = convert_text(result.text.replace(
        "{moyen: {telephone: par_telephone}, ", "{"), "v2.yaml")
    assert result.ok, result.errors
    text = V2.read_text(encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "- from: 1" in s)
    assert check_versions(result.definition, older()) == [
        error(ErrorCode.UNMIGRATED_OPTION, "v2.yaml", line, field="moyen", option="telephone",
              source=1),
        error(ErrorCode.UNMIGRATED_STATE, "v2.yaml", line, state="en_cours", source=1)]


def test_check__same_disappearances_under_keep__allowed():
    result = edited("drafts: migrate", "drafts: keep")
    result = convert_text(result.text.replace("    drop_fields: [note_ancienne]\n", "")
                          .replace("    rename_states: {en_cours: brouillon}\n", ""), "v2.yaml")
    assert result.ok, result.errors
    assert check_versions(result.definition, older()) == []


def test_check__migrate_without_migration_from_previous__error_at_drafts_line():
    text = V3.read_text(encoding="utf-8").replace("from: 2", "from: 1")
    result = convert_text(text, "v3.yaml")
    drafts_line = next(i for i, s in enumerate(text.splitlines(), 1) if s.startswith("drafts:"))
    errors = check_versions(result.definition, {1: convert(V1).definition,
                                                2: convert(V2).definition})
    assert error(ErrorCode.MIGRATION_MISSING, "v3.yaml", drafts_line, source=2) in errors


def test_check__renamed_source_not_in_old_version__error_at_its_line():
    result = edited("drop_fields: [note_ancienne]", "drop_fields: [note_ancienne, fantome]")
    errors = check_versions(result.definition, older())
    assert error(ErrorCode.MIGRATION_UNKNOWN_SOURCE, "v2.yaml", line_of(result, "drop_fields"),
                 source=1, what="the field 'fantome'") in errors


def test_guichet_check__old_and_new_files_given__migration_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("GUICHET_INSTANCE", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    broken = tmp_path / "v2.yaml"
    broken.write_text(V2.read_text(encoding="utf-8").replace(
        "    drop_fields: [note_ancienne]\n", ""), encoding="utf-8")
    out = CliRunner().invoke(main, ["check", str(V1), str(broken)])
    assert out.exit_code == 1
    assert f"{broken}:" in out.output and "note_ancienne" in out.output


def test_chain__one_to_three__answers_and_state_moved():
    versions = {n: convert(p).definition for n, p in ((1, V1), (2, V2), (3, V3))}
    steps = chain(versions, 1)
    assert [s.to_version for s in steps] == [2, 3]
    migrated = Migrated({"ville": "montreal", "moyen": "courriel", "note_ancienne": "x"},
                        "en_cours")
    for step in steps:
        migrated = apply(step.migration, migrated)
    migrated = fit(convert(V3).compiled, migrated)
    assert migrated.answers == {"ville_depart": "mtl", "moyen": "par_courriel"}
    assert migrated.status == "brouillon"
    assert [(x.field_id, x.value, x.why) for x in migrated.lost] == [
        ("note_ancienne", "x", "dropped_by_migration")]
    changes = what_changed(versions[1], convert(V3).compiled, migrated)
    assert [(c.section_id, [t.fr for t in c.new], [t.fr for t in c.changed])
            for c in changes] == [("depart", [], ["Comment vous joindre"]),
                                  ("arrivee", ["Y a-t-il un ascenseur ?"], [])]
    assert chain(versions, 3) == []
    assert chain({1: versions[1], 3: versions[3]}, 1) is None


def test_check__rename_onto_a_field_still_there__error_at_its_line():
    """Found by a designer's trial: renaming `note_ancienne` onto `etage`, which version 1
    has too, passed check and diff; a draft answering both would lose one to the archive
    (only `guichet impact` showed it)."""
    result = edited("drop_fields: [note_ancienne]", "drop_fields: []")
    result = edited("rename_fields: {ville: ville_depart}",
                    "rename_fields: {ville: ville_depart, note_ancienne: etage}",
                    result.text)
    errors = check_versions(result.definition, older())
    assert error(ErrorCode.MIGRATION_RENAME_ONTO, "v2.yaml",
                 line_of(result, "note_ancienne: etage"),
                 source=1, field="note_ancienne", target="etage",
                 clash="a field version 1 already has") in errors


def test_check__two_fields_renamed_to_one__error_and_a_swap_allowed():
    result = edited("rename_fields: {ville: ville_depart}",
                    "rename_fields: {ville: ville_depart, moyen: ville_depart}")
    errors = check_versions(result.definition, older())
    assert [e for e in errors if e.code is ErrorCode.MIGRATION_RENAME_ONTO] == [error(
        ErrorCode.MIGRATION_RENAME_ONTO, "v2.yaml", line_of(result, "moyen: ville_depart"),
        source=1, field="moyen", target="ville_depart", clash="as it renames 'ville'")]
    swap = edited("rename_fields: {ville: ville_depart}",
                  "rename_fields: {ville: ville_depart, ville_depart: ville}")
    assert not [e for e in check_versions(swap.definition, older())
                if e.code is ErrorCode.MIGRATION_RENAME_ONTO]

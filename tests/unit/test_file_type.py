"""The `file` field type (engine/fieldtypes/file.py): its checks, schema, form parsing,
normalising, display in both languages and refusal messages."""

from __future__ import annotations

from pathlib import Path

from engine import convert
from engine.validate import clean, validate_section

ROOT = Path(__file__).parent.parent
PIECES = ROOT / "definitions" / "pieces.yaml"
REF = {"id": "AbC_123-xyz", "name": "acte.pdf", "size": 1_234_567, "sha256": "ab" * 32}


def _field(field_id: str = "preuve"):
    compiled = convert(PIECES).compiled
    return compiled, next(f for f in compiled.definition.section("documents").fields
                          if f.id == field_id)


def test_check__no_file_allowed__error_at_its_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((ROOT / "fixtures" / "bad_file_field.yaml").read_text()
                   .replace('"PDF"', "image/png"))
    text = [str(e) for e in convert(bad).errors]
    assert text == [f"{bad}:16: section `documents`, question `photos`, `max_files`: 0 is "
                    "less than the minimum of 1."], text


def test_check__malformed_accept__error_at_its_line():
    path = ROOT / "fixtures" / "bad_file_field.yaml"
    bad_text = path.read_text().replace("max_files: 0", "max_files: 2")
    fixed = path.with_name("bad_file_field_accept.yaml")
    assert fixed.read_text() == bad_text
    text = [str(e) for e in convert(fixed).errors]
    assert len(text) == 1 and ":10:" in text[0] and "'PDF' is not a MIME type" in text[0], text


def test_check__file_question_inside_a_repeating_group__refused_at_its_line():
    path = ROOT / "fixtures" / "file_in_group.yaml"
    text = [str(e) for e in convert(path).errors]
    assert len(text) == 1 and f"{path}:30:" in text[0] and "repeating group" in text[0], text


def test_schema__list_of_references_at_most_max_files():
    compiled, f = _field()
    schema = f.kind.schema(f)
    assert schema["maxItems"] == 2 and schema["minItems"] == 1
    assert schema["items"]["required"] == ["id", "name", "size", "sha256"]
    assert validate_section(compiled, "documents",
                            clean(compiled, {"nom_dossier": "x", "preuve": [REF]})) == []
    too_many = [REF, {**REF, "id": "b"}, {**REF, "id": "c"}]
    errors = validate_section(compiled, "documents",
                              clean(compiled, {"nom_dossier": "x", "preuve": too_many}))
    assert [e.field for e in errors] == ["preuve"]
    missing = validate_section(compiled, "documents", clean(compiled, {"nom_dossier": "x"}))
    assert [(e.field, e.kind) for e in missing] == [("preuve", "required")]


def test_parse__posted_references_read_bad_ones_kept_for_the_schema():
    import json

    _, f = _field()
    posted = {"preuve": [json.dumps(REF), "not json", ""]}
    assert f.kind.parse(f, lambda n: posted.get(n, []), "preuve") == [REF, "not json"]
    assert f.kind.parse(f, lambda n: [], "preuve") is None


def test_normalize__reference_twice__kept_once():
    _, f = _field()
    assert f.kind.normalize(f, [REF, dict(REF)]) == [REF]
    assert f.kind.file_refs(f, [REF]) == ("AbC_123-xyz",)


def test_display__name_size_and_hash_in_each_language():
    _, f = _field()
    assert f.kind.display(f, [REF], "fr") == (f"acte.pdf (1,2\u00a0Mo) – SHA-256 : {'ab' * 32}",)
    assert f.kind.display(f, [REF], "en") == (f"acte.pdf (1.2 MB) – SHA-256: {'ab' * 32}",)


def test_upload_message__types_in_words_and_limits():
    _, f = _field()
    wrong = f.kind.upload_message(f, "type", None)
    assert wrong.fr.endswith("un fichier PDF, JPEG ou PNG.")
    assert wrong.en.endswith("a PDF, JPEG or PNG file.")
    large = f.kind.upload_message(f, "too_large", 1_000_000)
    assert "1\u00a0Mo" in large.fr and "1 MB" in large.en
    assert "2 fichiers" in f.kind.upload_message(f, "too_many", 2).fr
    _, photo = _field("photo")
    assert "Un seul fichier" in photo.kind.upload_message(photo, "too_many", 1).fr


def test_examples__round_trip_through_form_data_valid():
    compiled, f = _field()
    for value in f.kind.examples(f):
        posted = f.kind.form_values(f, value, "preuve")
        parsed = f.kind.normalize(f, f.kind.parse(f, lambda n, p=posted: p.get(n, []), "preuve"))
        assert parsed == value
        answers = clean(compiled, {"nom_dossier": "x", "preuve": parsed})
        assert validate_section(compiled, "documents", answers) == []

"""Repeating groups in the engine (engine/fieldtypes/group.py): the compiled array
schema, per-item validation with its own error paths, conditions read in the item's
scope (the item's answers over the dossier's), form names, hidden nested answers set
aside, the recap's items, and the checker's errors at file:line."""

from __future__ import annotations

from pathlib import Path

from engine import convert
from engine.errors import ErrorCode, error
from engine.formdata import section_answers
from engine.recap import build_recap
from engine.validate import clean, item_scope, scope_value, set_aside, validate
from tests.definitions import registry

FIXTURES = Path(__file__).parent.parent / "fixtures"
PARENT = {"nom_parent": "Maria", "garde_partagee": True}
LINA = {"prenom": "Lina", "date_naissance": "2019-04-03", "ne_au_canada": False}


def famille():
    return registry().get("famille")


def test_schema__array_of_item_objects_with_min_and_max_items():
    schema = famille().sections["enfants"].schema["properties"]["liste_enfants"]
    assert schema["type"] == "array" and schema["minItems"] == 1 and schema["maxItems"] == 3
    items = schema["items"]
    assert items["type"] == "object"
    assert items["required"] == ["prenom", "date_naissance", "ne_au_canada"]
    assert set(items["properties"]) == {"prenom", "date_naissance", "ne_au_canada", "province",
                                        "jours_garde", "date_arrivee"}
    assert any("if" in clause for clause in items["allOf"])  # the nested `when`s


def test_validate__each_item_with_its_own_error_paths():
    answers = {**PARENT, "liste_enfants": [LINA, {"prenom": "Adam", "ne_au_canada": True,
                                                   "date_naissance": "pas une date"}]}
    errors = validate(famille(), answers)
    assert [(e.field, e.path, e.kind) for e in errors] == [
        ("liste_enfants", "liste_enfants.1.date_naissance", "pattern"),
        ("liste_enfants", "liste_enfants.1.province", "required"),
    ]
    assert errors[0].as_json("fr")["path"] == "liste_enfants.1.date_naissance"


def test_validate__fewer_items_than_min_is_the_group_error():
    errors = validate(famille(), {**PARENT, "remarque": "rien"})
    assert [(e.path, e.kind, e.message.fr) for e in errors if e.section == "enfants"] == [
        ("liste_enfants", "required", "Inscrivez au moins un enfant.")]


def test_group_with_min_0__optional_unless_it_says_required(tmp_path):
    path = tmp_path / "famille.yaml"
    text = (Path(__file__).parent.parent / "definitions" / "famille.yaml").read_text()
    path.write_text(text.replace("repeat: {min: 1, max: 3}", "repeat: {min: 0, max: 3}"))
    group = convert(path).definition.section("enfants").field("liste_enfants")
    assert group.required is False and group.min_items == 0


def test_conditions__read_the_item_first_then_the_dossier():
    item = {**LINA, "jours_garde": "lundi", "date_arrivee": "2021-01-01"}
    kept = clean(famille(), {**PARENT, "liste_enfants": [item]})["liste_enfants"][0]
    assert kept["jours_garde"] == "lundi"  # garde_partagee, before the group
    assert kept["date_arrivee"] == "2021-01-01"  # the item's own date_naissance < 2020
    other = clean(famille(), {**PARENT, "garde_partagee": False,
                              "liste_enfants": [{**item, "date_naissance": "2021-05-05"}]})
    assert "jours_garde" not in other["liste_enfants"][0]
    assert "date_arrivee" not in other["liste_enfants"][0]


def test_item_scope__item_over_dossier():
    scope = item_scope({"a": 1, "b": 2, "g": [{"a": 3}]}, {"a": 3})
    assert scope == {"a": 3, "b": 2} and scope_value(scope, "a") == 3
    assert scope_value(scope, "c") is None


def test_form_names__prefixed_items_trailing_empty_dropped():
    section = famille().definition.section("enfants")
    form = {"liste_enfants-items": ["3"], "liste_enfants-0-prenom": ["Lina"],
            "liste_enfants-0-ne_au_canada": ["non"], "liste_enfants-1-prenom": [""],
            "liste_enfants-2-prenom": [" "]}
    posted = section_answers(section, lambda name: form.get(name, []))
    assert posted["liste_enfants"] == [{"prenom": "Lina", "ne_au_canada": False},
                                       {"prenom": ""}, {"prenom": " "}]
    assert clean(famille(), posted)["liste_enfants"] == [{"prenom": "Lina",
                                                           "ne_au_canada": False}]


def test_set_aside__hidden_nested_answer():
    stored = {**PARENT, "liste_enfants": [{**LINA, "ne_au_canada": True, "province": "qc"}]}
    merged = {**PARENT, "liste_enfants": [LINA]}
    kept = clean(famille(), merged)
    lost = set_aside(famille(), stored, merged, kept)
    assert [(x.field_id, x.value, x.why) for x in lost] == [
        ("liste_enfants.0.province", "qc", "hidden")]


def test_recap__each_item_under_its_label():
    recap = build_recap(famille(), {**PARENT, "liste_enfants": [LINA, {"prenom": "Adam"}]},
                        "en")
    row = recap.section("enfants").items[0]
    assert [g.label for g in row.groups] == ["Child 1", "Child 2"]
    assert [(i.label, i.value) for i in row.groups[0].items][:2] == [
        ("Given name", "Lina"), ("Date of birth", "2019-04-03")]


def test_check__min_above_max__group_in_group__outside_condition_reading_an_item():
    path = FIXTURES / "bad_groups.yaml"
    assert [str(e) for e in convert(path).errors] == [
        str(error(ErrorCode.MIN_ABOVE_MAX, str(path), 10, field="liste", low=4, high=2)),
        str(error(ErrorCode.NESTED_TOO_DEEP, str(path), 19, field="petits_enfants",
                  group="liste")),
        str(error(ErrorCode.GROUP_INSIDE_REFERENCE, str(path), 28, field="prenom",
                  group="liste")),
    ]


def test_group_type__parse_normalise_display_both_languages_with_multidict():
    from werkzeug.datastructures import MultiDict

    from engine.validate import normalize

    f = famille().definition.section("enfants").field("liste_enfants")
    form = MultiDict([("liste_enfants-items", "2"), ("liste_enfants-0-prenom", " Lina "),
                      ("liste_enfants-1-prenom", "Adam"), ("liste_enfants-1-ne_au_canada", "oui")])
    value = normalize(f, f.kind.parse(f, form.getlist, "liste_enfants"))
    assert value == [{"prenom": "Lina"}, {"prenom": "Adam", "ne_au_canada": True}]
    assert f.kind.display(f, value, "fr") == ("Enfant 1", "Enfant 2")
    assert f.kind.display(f, value, "en") == ("Child 1", "Child 2")
    assert f.kind.parse(f, MultiDict().getlist, "liste_enfants") is None
    assert normalize(f, "not a list") == "not a list"  # for the schema to refuse


def _famille_v2(tmp_path, old: str, new: str):
    text = (Path(__file__).parent.parent / "definitions" / "famille.yaml").read_text()
    assert old in text
    path = tmp_path / "famille.yaml"
    path.write_text(text.replace("version: 1", "version: 2").replace(old, new))
    return convert(path)


def test_diff__a_changed_group_is_judged_conservatively(tmp_path):
    from engine.diff import compatible, diff

    before = convert(Path(__file__).parent.parent / "definitions" / "famille.yaml")
    relabelled = _famille_v2(tmp_path, "{fr: Prénom, en: Given name}",
                             "{fr: Prénom usuel, en: Given name}")
    assert compatible(diff(before, relabelled))
    optional = _famille_v2(tmp_path, "label: {fr: Jours de garde, en: Custody days}",
                           "label: {fr: Jours de garde, en: Custody days}\n"
                           "            min_length: 3")
    assert not compatible(diff(before, optional))


def test_migrate_fit__group_answers_kept_hidden_nested_dropped(tmp_path):
    from engine.migrate import Migrated, fit

    answers = {**PARENT, "liste_enfants": [{**LINA, "province": "qc"}]}
    fitted = fit(famille(), Migrated(answers, "brouillon", [], {}))
    assert fitted.answers["liste_enfants"] == [LINA]
    assert [(x.field_id, x.why) for x in fitted.lost] == [("liste_enfants.0.province",
                                                            "hidden")]


def test_fields_in_scope_and_before__item_first_then_dossier():
    from engine.model import fields_before, fields_in_scope

    d = famille().definition
    group = d.section("enfants").field("liste_enfants")
    arrivee = next(c for c in group.fields if c.id == "date_arrivee")
    assert list(fields_in_scope(d, arrivee))[:6] == [c.id for c in group.fields]
    assert "remarque" in fields_in_scope(d, arrivee)  # the dossier's, after the item's
    before = fields_before(d, arrivee)
    assert "date_naissance" in before and "nom_parent" in before
    assert "date_arrivee" not in before and "remarque" not in before
    assert "prenom" not in fields_before(d, d.section("enfants").field("remarque"))



def test_check__nested_id_used_at_the_dossier_level__duplicate_id(tmp_path):
    path = tmp_path / "famille.yaml"
    text = (Path(__file__).parent.parent / "definitions" / "famille.yaml").read_text()
    path.write_text(text.replace("          - id: prenom\n", "          - id: nom_parent\n"))
    lines = path.read_text().splitlines()
    first = next(i for i, t in enumerate(lines, 1) if "- id: nom_parent" in t)
    second = next(i for i, t in enumerate(lines, 1) if "- id: nom_parent" in t and i > first)
    assert [str(e) for e in convert(path).errors] == [
        str(error(ErrorCode.DUPLICATE_ID, str(path), second, kind="field", id="nom_parent",
                  first_line=first))]


def test_form_values__the_inverse_of_parse():
    from werkzeug.datastructures import MultiDict

    f = famille().definition.section("enfants").field("liste_enfants")
    value = [{"prenom": "Lina", "ne_au_canada": False}, {"prenom": "Adam"}]
    form = f.kind.form_values(f, value, "liste_enfants")
    assert form["liste_enfants-items"] == ["2"]
    posted = MultiDict([(k, v) for k, vs in form.items() for v in vs])
    assert f.kind.parse(f, posted.getlist, "liste_enfants") == value


def test_date_bounds_in_an_item__name_the_item_s_own_date_and_one_before_the_group():
    """`min: naissance` reads the same item's birth date, `max: debut` the question before
    the group; each error names its item and shows the bound in the message."""
    from datetime import date

    from engine.compare import use_today
    from engine.pipeline import convert_text
    from engine.validate import clean, validate

    path = Path(__file__).parent.parent / "fixtures" / "group_date_bounds.yaml"
    result = convert_text(path.read_text(encoding="utf-8"), str(path))
    assert result.ok, [str(e) for e in result.errors]
    compiled = result.compiled
    previous = use_today(lambda: date(2026, 11, 30))
    try:
        answers = {"debut": "2025-01-01", "enfants": [
            {"naissance": "2020-05-01", "depuis": "2019-01-01", "avant": "2026-01-01"},
            {"naissance": "2021-01-01", "depuis": "2022-01-01", "avant": "2024-01-01"},
            {"naissance": "2030-01-01", "depuis": "2030-02-01", "avant": "2024-01-01"}]}
        errors = {e.path: e.message.fr for e in validate(compiled, clean(compiled, answers))}
    finally:
        use_today(previous)
    assert set(errors) == {"enfants.0.depuis", "enfants.0.avant", "enfants.2.naissance"}
    assert "1er mai 2020" in errors["enfants.0.depuis"]
    assert "1er janvier 2025" in errors["enfants.0.avant"]
    assert "30 novembre 2026" in errors["enfants.2.naissance"]


def test_check__item_label_without_n__error_at_the_group_s_line(tmp_path):
    from engine.pipeline import convert_text

    path = Path(__file__).parent.parent / "fixtures" / "group_date_bounds.yaml"
    text = path.read_text(encoding="utf-8").replace(
        'item_label: {fr: "Enfant {n}", en: "Child {n}"}',
        'item_label: {fr: "Enfant", en: "Child {n}"}')
    errors = [str(e) for e in convert_text(text, "g.yaml").errors]
    assert len(errors) == 1 and errors[0].startswith("g.yaml:16:"), errors
    assert "item_label (fr) has no {n}" in errors[0]


def test_group_with_no_item__designer_s_required_message_said_when_written():
    from engine.pipeline import convert_text
    from engine.validate import clean, validate

    path = Path(__file__).parent.parent / "fixtures" / "group_date_bounds.yaml"
    text = path.read_text(encoding="utf-8").replace(
        '        repeat: {min: 1, max: 5}\n',
        '        repeat: {min: 1, max: 5}\n'
        '        messages: {required: {fr: "Ajoutez vos enfants.", en: "Add your children."}}\n')
    result = convert_text(text, "g.yaml")
    assert result.ok, [str(e) for e in result.errors]
    compiled = result.compiled
    errors = {e.field: e for e in validate(compiled, clean(compiled, {"debut": "2025-01-01"}))}
    assert errors["enfants"].kind == "required"
    assert errors["enfants"].message.fr == "Ajoutez vos enfants."

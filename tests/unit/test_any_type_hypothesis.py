"""Every registered field type, whoever added it, against anything typed (Hypothesis).

For each name in the registry (so a type added later is covered with no change here) a
one-question definition is written from the type's own sample (`FieldType.example`: a
select's options...), and:
- any text posted under any of its form names (`FieldType.form_names`) goes through
  parse, normalising, validation, the recap in both languages and the page's input texts
  without raising;
- each valid post the type offers (`FieldType.example_posts`) is valid, and survives a
  round trip: form data -> parse -> normalise -> validate -> storage JSON (json.dumps
  and loads) -> clean again (unchanged) -> the recap, which shows the same in fr and en;
  and the page's inputs drawn from the stored answer, posted again, give it back.
A type for which this cannot be written must say so by overriding those two hooks.
"""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from engine import convert_text
from engine.fieldtypes import field_type, registered
from engine.formdata import section_answers
from engine.recap import build_recap
from engine.validate import clean, validate

LANGS = ("fr", "en")


def one_question(type_name: str):
    """The compiled one-section definition holding one question `q` of that type."""
    question = {"id": "q", "type": type_name, "label": {"fr": "Question", "en": "Question"},
                **field_type(type_name).example()}
    definition = {
        "id": "essai-types", "version": 1, "title": {"fr": "Essai", "en": "Test"},
        "numbering": {"prefix": "T", "digits": 6}, "deadline_days": 10,
        "sections": [{"id": "s", "title": {"fr": "S", "en": "S"}, "fields": [question]}],
        "workflow": {"initial": "d", "transitions": [],
                     "states": {"d": {"label": {"fr": "D", "en": "D"}, "editable": True}}},
    }
    result = convert_text(yaml.safe_dump(definition, allow_unicode=True))
    assert not result.errors, [str(e) for e in result.errors]
    return result.compiled


def _through_everything(compiled, form: MultiDict) -> dict:
    section = compiled.definition.sections[0]
    f = section.fields[0]
    posted = section_answers(section, form.getlist)
    cleaned = clean(compiled, posted)
    validate(compiled, posted)
    for lang in LANGS:
        build_recap(compiled, posted, lang)
        f.kind.input_texts(f, posted.get("q"), lang, "q")
        f.kind.input_texts(f, cleaned.get("q"), lang, "q")
    return cleaned


TYPES = registered()
typed = st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.sampled_from(
    ["", " ", "12 500,50", "-1", "1e999", "+1", "0020-05-01", "true", "fr", "x" * 300,
     "\u202f", "\x00", "poste", "2000-02-30", "$", "NaN"])


@pytest.mark.parametrize("type_name", TYPES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_text_under_any_form_name__never_raises(type_name, data):
    compiled = one_question(type_name)
    f = compiled.definition.sections[0].fields[0]
    names = f.kind.form_names(f, "q")
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(names), typed), max_size=4))
    _through_everything(compiled, MultiDict(pairs))


@pytest.mark.parametrize("type_name", TYPES)
def test_valid_posts__round_trip_through_storage_and_the_recap(type_name):
    compiled = one_question(type_name)
    f = compiled.definition.sections[0].fields[0]
    posts = f.kind.example_posts(f, "q")
    assert posts, f"{type_name} offers no valid post (FieldType.example_posts)"
    for post in posts:
        form = MultiDict([(k, v) for k, values in post.items() for v in values])
        cleaned = _through_everything(compiled, form)
        assert validate(compiled, cleaned) == [], (type_name, post, cleaned)
        stored = json.loads(json.dumps(cleaned))
        assert clean(compiled, stored) == cleaned, (type_name, post)
        for lang in LANGS:
            shown = build_recap(compiled, stored, lang).sections[0].items[0]
            assert shown.answered and shown.value, (type_name, post, lang)
            assert shown == build_recap(compiled, cleaned, lang).sections[0].items[0]
            texts = f.kind.input_texts(f, stored["q"], lang, "q")
            if texts is not None and f.kind.name != "declaration":
                again = MultiDict([(k, v) for k, v in texts.items() if v])
                assert clean(compiled, section_answers(compiled.definition.sections[0],
                                                       again.getlist)) == cleaned, (
                    type_name, lang, texts)

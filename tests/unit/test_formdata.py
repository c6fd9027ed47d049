from __future__ import annotations

from engine.formdata import section_answers


def test_formdata__posted_strings__become_json_answers(aq):
    section = aq.definition.section("premier_rendez_vous")
    posted = {"francais_suffisant": ["false"], "langues": ["anglais", "autre"],
              "disponibilites": ["lundi_matin"], "ville": ["montreal"]}
    answers = section_answers(section, lambda k: posted.get(k, []))
    assert answers["francais_suffisant"] is False
    assert answers["langues"] == ["anglais", "autre"]
    assert answers["type_rendez_vous"] is None
    assert answers["ville"] == "montreal"

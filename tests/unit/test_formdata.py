from __future__ import annotations

from engine.formdata import section_answers


def test_formdata__posted_strings__become_json_answers(essai):
    section = essai.definition.section("rendez_vous")
    posted = {"francais": ["false"], "langues": ["anglais", "autre"],
              "creneaux": ["lundi_matin"], "ville": ["montreal"]}
    answers = section_answers(section, lambda k: posted.get(k, []))
    assert answers["francais"] is False
    assert answers["langues"] == ["anglais", "autre"]
    assert answers["mode"] is None
    assert answers["ville"] == "montreal"

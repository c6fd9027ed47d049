"""A draft holding answers its dossier type no longer offers (an option removed or
renamed in the YAML since): the recap and the PDF say "Réponse à revoir", never the
stored code; the section says to choose again, at the question; the section loses its
check; the submission is refused with that message at the question."""

from __future__ import annotations

import html
import json
import re
from dataclasses import asdict

import storage
from engine.recap import build_recap
from tests.definitions import ESSAI, IDENTITE, RENDEZ_VOUS
from tests.web.conftest import MARIA
from tests.web.test_documents import pdf_text
from web.background.pdf import recap_pdf

# "trois_rivieres" and "italien": options an older version of the type offered
STALE = {"ville": "trois_rivieres", "francais": False, "langues": ["italien", "espagnol"]}
CODES = ("trois_rivieres", "italien")
HINT = "Votre réponse précédente n'est plus proposée : choisissez de nouveau."
GENERIC = "Choisissez une réponse proposée dans la liste."


def stale_draft(maria, registry) -> str:
    """Maria's essai draft, every section filled, then two answers as an older version
    of the type stored them."""
    number = maria.create_dossier()
    maria.fill_all(number)
    account = storage.find_account_by_email(MARIA["email"])
    draft = storage.get_dossier(account.id, number)
    storage.save_section(registry, account.id, number, "rendez_vous", STALE, draft.version)
    return number


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_recap__unknown_options__answer_to_review_marked_never_the_code(maria, registry):
    number = stale_draft(maria, registry)
    page = text_of(maria.get(f"/dossiers/{number}/recapitulatif"))
    assert not any(code in page for code in CODES)
    marked = re.findall(r'<strong class="to-review"><span class="to-review__sign" '
                        r'aria-hidden="true">!</span> ([^<]*)</strong>', page)
    assert marked == ["Réponse à revoir", "Réponse à revoir"]
    assert "<li>Espagnol</li>" in page  # the known choice of the same answer, as usual
    maria.switch_language("en", f"/dossiers/{number}/recapitulatif")
    page = text_of(maria.get(f"/dossiers/{number}/recapitulatif"))
    assert page.count("Answer to review") == 2 and "<li>Spanish</li>" in page
    assert not any(code in page for code in CODES)


def test_section__unknown_option__hint_at_the_question_and_no_check(maria, registry):
    number = stale_draft(maria, registry)
    page = text_of(maria.get(maria.section_url(number, "rendez_vous")))
    ville = re.search(r'<p class="field__error" id="f-ville-error">(.*?)</p>', page, re.S)
    assert ville is not None and HINT in ville.group(1)
    langues = re.search(r'<p class="field__error" id="f-langues-error">(.*?)</p>', page, re.S)
    assert langues is not None and HINT in langues.group(1)
    assert f'<a href="#f-ville">{HINT}</a>' in page  # and in the error summary
    assert page.count("check--valid") == 1  # "Situation et numéros" only
    assert 'value="espagnol" checked' in page  # the known choice stays ticked


def test_submit__unknown_option__refused_and_the_question_says_why(maria, registry):
    number = stale_draft(maria, registry)
    blocked = maria.get(f"/dossiers/{number}/soumettre")
    link = f"/dossiers/{number}/sections/rendez_vous?verifier=1"
    assert blocked.status_code == 200 and link in text_of(blocked)
    refused = maria.post(f"/dossiers/{number}/soumettre")
    assert refused.status_code == 409 and link in text_of(refused)
    account = storage.find_account_by_email(MARIA["email"])
    assert storage.get_dossier(account.id, number).submitted_at is None
    page = text_of(maria.get(link))
    ville = re.search(r'<p class="field__error" id="f-ville-error">(.*?)</p>', page, re.S)
    assert ville is not None and HINT in ville.group(1) and GENERIC not in page
    # choosing again fixes it: the dossier is submitted
    assert maria.fill(number, "rendez_vous", RENDEZ_VOUS).status_code == 302
    assert maria.submit(number).status_code == 302


def test_recap_pdf__unknown_option__marker_printed_never_the_code(registry):
    compiled = registry[ESSAI]
    answers = {**IDENTITE, "a_numero": True, "a_code": False, "mode": "en_ligne",
               "creneaux": ["lundi_matin"], **STALE}
    recap = {lang: json.loads(json.dumps(asdict(build_recap(compiled, answers, lang))))
             for lang in ("fr", "en")}
    snapshot = {"number": "G2200000001", "submitted_at": "2022-07-11T19:20:00+00:00",
                "profile": {"given_names": "Maria", "family_names": "Valdero"},
                "recap": recap}
    document = compiled.definition.documents["recapitulatif"]
    for lang, marker in (("fr", "! Réponse à revoir"), ("en", "! Answer to review")):
        text = pdf_text(recap_pdf(compiled.definition, document, snapshot, lang))
        assert text.count(marker) == 2
        assert not any(code in text for code in CODES)
    # a snapshot frozen before the flag existed still prints
    for section in recap["fr"]["sections"]:
        for item in section["items"]:
            item.pop("review"), item.pop("to_review")
    assert "Valdero" in pdf_text(recap_pdf(compiled.definition, document, snapshot, "fr"))

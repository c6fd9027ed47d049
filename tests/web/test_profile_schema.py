"""Each dossier type's recap PDF follows its `profile:` block: Accompagnement Québec's
passport wording, plain labels elsewhere."""

from __future__ import annotations

from datetime import datetime

import storage
from tests.web.test_documents import download_url, pdf_text
from web.background.worker import render_pending_documents

PASSPORT = ("Nom(s) de famille inscrit(s) dans le passeport",
            "Prénom(s) inscrit(s) dans le passeport")
PLAIN = ("Nom(s) de famille", "Prénom(s)")
COURSE = "cours-francais"
COURSE_ANSWERS = {"deja_suivi": "false", "formule": "soir", "date_debut": "2027-01-11"}


def test_recap_pdf__accompagnement_quebec__passport_labels_as_in_the_guide(maria, registry):
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    maria.submitted_dossier()
    render_pending_documents(registry)
    text = pdf_text(maria.get(download_url(maria)).data)
    for label in PASSPORT:
        assert label in text, label
    assert text.index("Identité") < text.index(PASSPORT[0]) < text.index("Coordonnées")
    assert "Domicile" in text and "Cellulaire" in text and "Numéro de poste" in text


def test_recap_pdf__cours_francais__plain_labels_and_its_own_fields(maria, registry):
    number = maria.create_dossier(COURSE)
    assert maria.fill(number, "cours", COURSE_ANSWERS).status_code == 302
    assert maria.submit(number).status_code == 302
    render_pending_documents(registry)
    text = pdf_text(maria.get(download_url(maria)).data)
    assert "passeport" not in text
    assert "Nom(s) de famille Valdero" in text and "Prénom(s) Maria" in text
    assert "Pour vous joindre" in text and "Ville de naissance" not in text

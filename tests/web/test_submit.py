"""SOUMETTRE: blocked with reasons by section, else the wizard, then a locked dossier."""

from __future__ import annotations

import re

from tests.definitions import IDENTITE
from tests.web.conftest import MARIA, years_ago


def test_submit__sections_with_errors__blocked_with_links_to_each_section(maria):
    number = maria.create_dossier()
    maria.fill(number, "identite", IDENTITE)
    page = maria.get(f"/dossiers/{number}/soumettre").get_data(as_text=True)
    assert "Votre demande ne peut pas être soumise" in page
    assert (f'href="/dossiers/{number}/sections/rendez_vous?verifier=1">'
            "La section « Rendez-vous » contient des erreurs") in page
    assert "« Situation et numéros »" not in page


def test_submit__post_with_errors__refused_and_nothing_changes(maria):
    number = maria.create_dossier()
    maria.get(f"/dossiers/{number}/recapitulatif")
    response = maria.post(f"/dossiers/{number}/soumettre")
    assert response.status_code == 409
    assert "contient des erreurs" in response.get_data(as_text=True)
    assert "En rédaction" in maria.get("/dossiers/").get_data(as_text=True)


def test_submit__whole_flow_with_plain_posts__presente_with_date_and_time(maria):
    number = maria.create_dossier()
    maria.fill_all(number)
    step1 = maria.get(f"/dossiers/{number}/soumettre").get_data(as_text=True)
    assert "Étape 1 de 4" in step1 and "Renseignements personnels" in step1
    assert "20 rue Monge" in step1 and 'aria-current="step"' in step1
    assert f'href="/dossiers/{number}/soumettre?etape=2">Suivant' in step1
    step2 = maria.get(f"/dossiers/{number}/soumettre?etape=2").get_data(as_text=True)
    assert "Étape 2 de 4" in step2 and "XXXXXXXXXX" in step2 and "Wolof" in step2
    step3 = maria.get(f"/dossiers/{number}/soumettre?etape=3").get_data(as_text=True)
    assert "vous ne pourrez plus modifier votre formulaire de demande" in step3
    assert ">Soumettre</button>" in step3
    response = maria.post(f"/dossiers/{number}/soumettre")
    assert response.location == f"/dossiers/{number}/soumis"
    done = maria.get(response.location).get_data(as_text=True)
    assert "Étape 4 de 4" in done and "a été soumise avec succès" in done
    assert 'href="/dossiers/">Quitter</a>' in done
    listing = maria.get("/dossiers/").get_data(as_text=True)
    assert "Transmis" in listing
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", listing)


def test_submitted_dossier__opens_read_only_and_refuses_changes(maria):
    number = maria.create_dossier()
    maria.fill_all(number)
    maria.submit(number)
    page = maria.get(f"/dossiers/{number}/sections/identite").get_data(as_text=True)
    assert "il ne peut plus être modifié" in page
    assert "<input" not in page.split("<main", 1)[1].split("</main>")[0].replace(
        'type="hidden"', "")
    assert ">Enregistrer<" not in page and "XXXXXXXXXX" in page
    response = maria.post(f"/dossiers/{number}/sections/identite",
                          {**IDENTITE, "version": "99"})
    assert response.status_code == 302
    assert "il ne peut plus être modifié" in maria.get(response.location).get_data(as_text=True)
    assert maria.get(f"/dossiers/{number}/soumettre").location == f"/dossiers/{number}/soumis"
    again = maria.post(f"/dossiers/{number}/soumettre")
    assert again.status_code == 409


def test_submitted_dossier__no_fill_in_intro_above_the_locked_answers(maria):
    """The type's intro asks to fill in every section before submitting: shown while
    the dossier is a draft, not once it is submitted."""
    number = maria.create_dossier()
    intro = "Répondez à chaque section avant de transmettre"
    assert intro in maria.get(f"/dossiers/{number}/sections/identite").get_data(as_text=True)
    maria.fill_all(number)
    maria.submit(number)
    page = maria.get(f"/dossiers/{number}/sections/identite").get_data(as_text=True)
    assert "il ne peut plus être modifié" in page and intro not in page


def test_submitted_page__draft__back_to_the_form(maria):
    number = maria.create_dossier()
    assert maria.get(f"/dossiers/{number}/soumis").location == f"/dossiers/{number}/"


def test_submit__soumettre_sent_twice_from_step_3__both_end_on_the_success_page(maria):
    """A double click on a slow link sends step 3's form twice: the second is the same
    request, done already, so it shows the success page, not a refusal; a SOUMETTRE
    from a page older than the submission is still refused."""
    number = maria.create_dossier()
    maria.fill_all(number)
    step3 = maria.get(f"/dossiers/{number}/soumettre?etape=3").get_data(as_text=True)
    shown = re.search(r'name="version" value="(\d+)"', step3).group(1)
    first = maria.post(f"/dossiers/{number}/soumettre", {"version": shown})
    second = maria.post(f"/dossiers/{number}/soumettre", {"version": shown})
    assert first.status_code == second.status_code == 302
    assert second.location == first.location == f"/dossiers/{number}/soumis"
    done = maria.get(second.location).get_data(as_text=True)
    assert "soumise avec succès" in done and "ne peut plus être soumis" not in done
    older = maria.post(f"/dossiers/{number}/soumettre", {"version": str(int(shown) - 1)})
    assert older.status_code == 409
    assert "ne peut plus être soumis" in older.get_data(as_text=True)


def test_submit__birth_date_changed_after_creation__refused_with_the_eligibility_message(maria):
    """The bypass of issue #13: an adult profile to create the dossier, then a birth
    date under the minimum age: the wizard says so, and SOUMETTRE is refused."""
    number = maria.create_dossier()
    maria.fill_all(number)
    maria.get("/profil/modifier")
    assert maria.post("/profil/modifier", {**MARIA, "birth_date": years_ago(17)}
                      ).status_code == 302
    message = "Vous devez avoir au moins 18 ans pour ouvrir un dossier d&#39;essai."
    page = maria.get(f"/dossiers/{number}/soumettre").get_data(as_text=True)
    assert "Votre demande ne peut pas être soumise" in page and message in page
    response = maria.post(f"/dossiers/{number}/soumettre")
    assert response.status_code == 409 and message in response.get_data(as_text=True)
    assert "En rédaction" in maria.get("/dossiers/").get_data(as_text=True)
    maria.get("/profil/modifier")
    maria.post("/profil/modifier", MARIA)  # back to the adult birth date
    assert maria.submit(number).status_code == 302

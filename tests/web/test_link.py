"""Identifier mon dossier: an agent-registered dossier becomes the applicant's when the
profile's four identity fields match; every refusal reads the same; attempts limited."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from markupsafe import escape

import storage
from tests.definitions import ESSAI
from tests.web.conftest import MARIA, Applicant

NUMBER = "G2100076952"
GUNTER = {**MARIA, "email": "gunter@example.com", "given_names": "GÜNTER",
          "family_names": " dicaprio ", "sex": "M", "birth_date": "1970-07-01"}
SUMMARY = re.compile(r'<div class="error-summary".*?</div>', re.S)


@pytest.fixture
def registered(registry):
    """The guide's example, as the agent typed it."""
    return storage.register_existing(registry, ESSAI, NUMBER, "Gunter", "DiCaprio", "M",
                                     date(1970, 7, 1))


def person(app, **changes: str) -> Applicant:
    applicant = Applicant(app.test_client(), {**GUNTER, **changes})
    assert applicant.register().status_code == 302
    return applicant


def search(applicant: Applicant, number: str = NUMBER, type_id: str = ESSAI):
    applicant.get(f"/dossiers/identifier?type_id={type_id}")
    return applicant.post("/dossiers/identifier", {"type_id": type_id, "number": number})


def test_link_page__as_in_the_guide__type_number_and_profile_read_only(app):
    gunter = person(app)
    page = gunter.get(f"/dossiers/identifier?type_id={ESSAI}").get_data(as_text=True)
    for label in ("Identifier mon dossier", "Sélectionnez le type de demande à rechercher",
                  "Numéro de dossier", ">Rechercher</button>", ">Annuler</a>"):
        assert label in page, label
    identity = re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", page)
    assert identity == [("Prénom", "GÜNTER"), ("Nom", "dicaprio"), ("Sexe", "Masculin"),
                        ("Date de naissance", "1970-07-01")]
    assert 'name="given_names"' not in page  # shown, never posted


@pytest.mark.parametrize("registered_as, typed", [
    (("Seán", "O'Connor"), ("Sean", "O’Connor")),            # curly apostrophe from a phone
    (("Jean-François", "Ørsted"), ("Jean François", "Orsted")),
    (("Łucja", "Straße-Œhler"), ("Lucja", "STRASSE OEHLER")),
], ids=["apostrophe", "hyphen-space-stroke", "stroke-eszett-ligature"])
def test_link__harmless_spelling_variant_of_the_registered_name__linked(
        app, registry, registered_as, typed):
    storage.register_existing(registry, ESSAI, NUMBER, *registered_as, "F", date(1985, 2, 3))
    applicant = person(app, given_names=typed[0], family_names=typed[1], sex="F",
                       birth_date="1985-02-03")
    response = search(applicant)
    assert response.status_code == 302 and response.location == f"/dossiers/{NUMBER}/"
    assert NUMBER in applicant.get("/dossiers/").get_data(as_text=True)


def test_link__matching_identity_other_case_and_accents__linked_listed_and_opened(
        app, registered):
    gunter = person(app)
    response = search(gunter, f"  {NUMBER.lower()} ")
    assert response.status_code == 302 and response.location == f"/dossiers/{NUMBER}/"
    page = gunter.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert "Votre dossier a été identifié avec succès." in page
    assert NUMBER in gunter.get("/dossiers/").get_data(as_text=True)


@pytest.mark.parametrize("case", ["unknown number", "wrong birth date", "wrong sex",
                                  "linked elsewhere", "other type"])
def test_link__any_mismatch__the_same_error_and_nothing_changes(app, registered, registry,
                                                                 case):
    changes = {"wrong birth date": {"birth_date": "1970-07-02"},
               "wrong sex": {"sex": "X"}}.get(case, {})
    if case == "linked elsewhere":
        assert search(person(app, email="first@example.com")).status_code == 302
    gunter = person(app, **changes)
    number = "G2100076953" if case == "unknown number" else NUMBER
    type_id = next(i for i in registry.ids() if i != ESSAI) if case == "other type" else ESSAI
    response = search(gunter, number, type_id)
    assert response.status_code == 422
    page = response.get_data(as_text=True).replace(number, "N").replace(type_id, "T")
    summary = " ".join(SUMMARY.search(page).group(0).split()).replace("> <", "><")
    assert summary == EXPECTED_SUMMARY
    assert NUMBER not in gunter.get("/dossiers/").get_data(as_text=True)
    if case == "linked elsewhere":  # still the first applicant's
        first = storage.find_account_by_email("first@example.com")
        assert [d.number for d in storage.list_dossiers(first.id)] == [NUMBER]


REFUSED = ("Votre dossier n'a pas été trouvé. Vérifiez le numéro de dossier et les "
           "renseignements de votre profil, ou communiquez avec votre agente ou agent "
           "d'aide à l'intégration.")
EXPECTED_SUMMARY = " ".join(f"""
<div class="error-summary" role="alert" tabindex="-1" autofocus
     aria-labelledby="error-summary-title">
  <h2 id="error-summary-title">Des réponses sont à corriger</h2>
  <ul><li><a href="#f-number">{escape(REFUSED)}</a></li></ul>
</div>""".split()).replace("> <", "><")


def test_link__sixth_quick_attempt__refused_even_with_the_right_data(app, registered):
    gunter = person(app)
    for n in range(5):
        assert search(gunter, f"G21000769{60 + n}").status_code == 422
    response = search(gunter)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Trop de tentatives" in page
    assert re.search(r"Vous pourrez réessayer dans 1[45] min\.", page)
    assert NUMBER not in gunter.get("/dossiers/").get_data(as_text=True)
    assert storage.list_dossiers(storage.find_account_by_email(GUNTER["email"]).id) == []


def test_link__limits__per_account_and_per_address(app, registered):
    """Five tries lock an account (wherever it goes) for 15 minutes; an address, which
    an integration office or a family may share, only after thirty: a neighbour at the
    same address is not locked out by someone else's five. A 429 says when to retry."""
    gunter = person(app)
    first_address = {"REMOTE_ADDR": "192.0.2.1"}
    for n in range(5):
        gunter.client.environ_base.update(first_address)
        assert search(gunter, f"G21000769{60 + n}").status_code == 422
    gunter.client.environ_base.update(REMOTE_ADDR="192.0.2.2")
    refused = search(gunter)
    assert refused.status_code == 429  # same account, another address
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    neighbour = person(app, email="neighbour@example.com")
    neighbour.client.environ_base.update(first_address)
    assert search(neighbour).status_code == 302  # same address, another account
    for n in range(24):  # the address's 31st try: refused, whoever makes it
        other = person(app, email=f"office{n}@example.com")
        other.client.environ_base.update(first_address)
        assert search(other, f"G21000770{10 + n}").status_code == 422, n
    last = person(app, email="last@example.com")
    last.client.environ_base.update(first_address)
    assert search(last).status_code == 429
    last.client.environ_base.update(REMOTE_ADDR="192.0.2.3")
    assert search(last, "G2100077099").status_code == 422  # elsewhere: searched, not found


def test_link__missing_number_or_type__field_errors_not_counted(app, registered):
    gunter = person(app)
    for _ in range(6):
        response = search(gunter, "", "")
        assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Sélectionnez le type de demande à rechercher." in page
    assert "Ce champ est obligatoire." in page
    assert search(gunter).status_code == 302


def test_linked_dossier__another_applicant__never_sees_it(app, registered, maria):
    gunter = person(app)
    assert search(gunter).status_code == 302
    assert NUMBER not in maria.get("/dossiers/").get_data(as_text=True)
    assert maria.get(f"/dossiers/{NUMBER}/").status_code == 404
    assert maria.get(f"/dossiers/{NUMBER}/recapitulatif").status_code == 404
    assert search(maria).status_code == 422


def test_link__another_account_failing_on_a_number__never_locks_the_owner_out(
        app, registered):
    """The trial's lockout: an account failing six times on the owner's number (its
    sixth refused, 429), again in the next window until its day's ten are used, and
    five more impostors on their own addresses: the owner, on another address, still
    links the dossier at once."""
    storage.clock.set(storage.clock.now())
    impostor = person(app, email="impostor@example.com", birth_date="1970-07-02")
    impostor.client.environ_base.update(REMOTE_ADDR="192.0.2.10")
    for _window in range(2):
        for _ in range(5):
            assert search(impostor).status_code == 422
        assert search(impostor).status_code == 429  # the sixth: the impostor is stopped
        storage.clock.advance(timedelta(minutes=16))
    assert search(impostor).status_code == 429  # its ten tries of the day on this number
    for n in range(5):
        other = person(app, email=f"impostor{n}@example.com", birth_date="1970-07-02")
        other.client.environ_base.update(REMOTE_ADDR=f"192.0.2.{20 + n}")
        assert search(other).status_code == 422
    gunter = person(app)
    gunter.client.environ_base.update(REMOTE_ADDR="192.0.2.99")
    assert search(gunter).status_code == 302
    assert NUMBER in gunter.get("/dossiers/").get_data(as_text=True)


def test_link__one_account_on_one_number__ten_a_day_then_refused(app, registered):
    """Within each fifteen-minute window an account has five tries; on one number it
    has ten a day whatever the windows (`link_number`), while another number is still
    searched for it."""
    storage.clock.set(storage.clock.now())
    impostor = person(app, email="impostor@example.com", birth_date="1970-07-02")
    for _window in range(2):
        for _ in range(5):
            assert search(impostor).status_code == 422
        storage.clock.advance(timedelta(minutes=16))
    refused = search(impostor)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 15 * 60  # until the day's window passes
    assert search(impostor, "G2100076953").status_code == 422  # another number: searched
    storage.clock.advance(timedelta(days=1))
    assert impostor.login("impostor@example.com").status_code == 302  # the session ended
    assert search(impostor).status_code == 422  # a day later: searched again


def test_link__linked__a_message_in_the_message_centre(app, registered):
    gunter = person(app)
    assert search(gunter).status_code == 302
    page = gunter.get("/messages/").get_data(as_text=True)
    assert f"Dossier {NUMBER} lié à votre compte" in page


def test_link__impostor_with_the_same_identity_after_the_owner__not_found(app, registered):
    owner = person(app)
    assert search(owner).status_code == 302
    impostor = person(app, email="impostor@example.com")
    response = search(impostor)
    assert response.status_code == 422 and escape(REFUSED) in response.get_data(as_text=True)
    assert NUMBER in owner.get("/dossiers/").get_data(as_text=True)
    assert NUMBER not in impostor.get("/dossiers/").get_data(as_text=True)

"""Types and dossiers through the API: GET /types, Mes dossiers, create (eligibility),
Identifier mon dossier (link, its limits, its single 404), one dossier (header, state,
sections, ETag, a migration told once), in French and English."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

import storage
from tests.api.conformance import check_response
from tests.api.conftest import MARIA, Person, at_once, make_person, valid_draft
from tests.web.conftest import Applicant
from web import store_of
from web.registry import registry

AQ = "accompagnement-quebec"
PROBLEM = "application/problem+json"
EN = {"Accept-Language": "en"}
NUMBER = "G2100076952"
GUNTER = {**MARIA, "given_names": "GÜNTER", "family_names": " dicaprio ", "sex": "M",
          "birth_date": "1970-07-01"}


def create(api: FlaskClient, person: Person, type_id: str = AQ, **headers: str):
    return api.post("/api/v1/dossiers", json={"type": type_id},
                    headers={**person.headers, **headers})


def link(api: FlaskClient, person: Person, number: str = NUMBER, type_id: str = AQ,
         **headers: str):
    return api.post("/api/v1/dossiers/link", json={"type": type_id, "number": number},
                    headers={**person.headers, **headers})


@pytest.fixture
def registered(api_app: Flask) -> storage.DossierView:
    """The guide's example of Identifier mon dossier, as the agent typed it."""
    return storage.register_existing(registry_of(api_app), AQ, NUMBER, "Gunter", "DiCaprio",
                                     "M", date(1970, 7, 1))


def registry_of(app: Flask):
    with app.app_context():
        return registry()


@pytest.fixture
def gunter(api_app: Flask) -> Person:
    return make_person("gunter@example.com", GUNTER)


# --- types -------------------------------------------------------------------------------

def test_types__every_type_of_the_create_page_with_version_and_refs(
        api: FlaskClient, api_app: Flask, applicant: Person) -> None:
    response = api.get("/api/v1/types", headers=applicant.headers)
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [t["id"] for t in items] == [c.id for c in registry_of(api_app)]
    aq = next(t for t in items if t["id"] == AQ)
    assert aq["title"] == "Accompagnement Québec" and aq["version"] == 1
    assert aq["schema"] == "#/components/schemas/Answers.accompagnement-quebec.v1"
    assert aq["form"] == "#/components/schemas/Form.accompagnement-quebec.v1"
    assert aq["sections"][0] == {
        "id": "identification", "title": "Identification",
        "schema": "#/components/schemas/Section.accompagnement-quebec.v1.identification"}
    fr_titles = [s["title"] for t in items for s in t["sections"]]
    en_items = api.get("/api/v1/types", headers={**applicant.headers, **EN}).get_json()
    assert [s["title"] for t in en_items["items"] for s in t["sections"]] != fr_titles


def test_types_and_dossiers__anonymous__401(api: FlaskClient) -> None:
    for method, path in (("get", "/api/v1/types"), ("get", "/api/v1/dossiers"),
                         ("post", "/api/v1/dossiers"), ("post", "/api/v1/dossiers/link"),
                         ("get", f"/api/v1/dossiers/{NUMBER}")):
        response = getattr(api, method)(path, json={})
        assert response.status_code == 401, path
        assert response.mimetype == PROBLEM and "WWW-Authenticate" in response.headers


# --- create, list, get -------------------------------------------------------------------

def test_create__201_dossier_location_etag__then_listed_and_read(
        api: FlaskClient, applicant: Person) -> None:
    response = create(api, applicant)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    number = body["number"]
    assert response.headers["Location"] == f"/api/v1/dossiers/{number}"
    assert response.headers["ETag"] == f'"{body["version"]}"'
    assert body["type"] == AQ and body["title"] == "Accompagnement Québec"
    assert body["state"] == {"id": body["state"]["id"], "label": "Inscription en cours",
                             "editable": True}
    assert body["definition_version"] == 1 and body["submitted_at"] is None
    assert body["created_at"].endswith("Z")
    assert date.fromisoformat(body["deadline"]) > storage.clock.today()
    assert [(s["id"], s["status"]) for s in body["sections"]] == [
        ("identification", "not_started"), ("premier_rendez_vous", "not_started")]
    assert body["migration"] is None and body["correction"] is None
    assert body["links"]["recap"] == f"/api/v1/dossiers/{number}/recap"
    assert body["sections"][0]["href"] == f"/api/v1/dossiers/{number}/sections/identification"
    assert body["sections"][0]["schema"] == (
        "#/components/schemas/Section.accompagnement-quebec.v1.identification")

    listed = api.get("/api/v1/dossiers", headers=applicant.headers)
    assert listed.status_code == 200
    [row] = listed.get_json()["items"]
    assert row["number"] == number and row["state"]["label"] == "Inscription en cours"
    assert row["deadline"] == body["deadline"] and row["submitted_at"] is None
    assert row["href"] == f"/api/v1/dossiers/{number}"

    got = api.get(f"/api/v1/dossiers/{number}", headers=applicant.headers)
    assert got.status_code == 200 and got.get_json() == body
    assert got.headers["ETag"] == f'"{storage.get_dossier(applicant.account_id, number).version}"'


def test_get__english__labels_in_english(api: FlaskClient, applicant: Person) -> None:
    number = create(api, applicant).get_json()["number"]
    body = api.get(f"/api/v1/dossiers/{number}", headers={**applicant.headers, **EN})
    assert body.headers["Content-Language"] == "en"
    fr = api.get(f"/api/v1/dossiers/{number}", headers=applicant.headers).get_json()
    assert body.get_json()["state"]["label"] != fr["state"]["label"]


def test_list__newest_first(api: FlaskClient, applicant: Person) -> None:
    first = create(api, applicant).get_json()["number"]
    storage.clock.advance(timedelta(seconds=60))
    second = create(api, applicant).get_json()["number"]
    numbers = [d["number"] for d in api.get("/api/v1/dossiers",
                                            headers=applicant.headers).get_json()["items"]]
    assert numbers == [second, first]


def test_get__sections_status_follow_saved_answers_and_etag_the_version(
        api: FlaskClient, api_app: Flask, applicant: Person) -> None:
    created = create(api, applicant).get_json()
    number = created["number"]
    storage.save_section(registry_of(api_app), applicant.account_id, number, "identification",
                         {"statut_immigration": "resident_permanent"}, created["version"])
    dossier = storage.get_dossier(applicant.account_id, number)
    response = api.get(f"/api/v1/dossiers/{number}", headers=applicant.headers)
    body = response.get_json()
    assert response.headers["ETag"] == f'"{dossier.version}"'
    assert body["version"] == dossier.version == created["version"] + 1
    assert [(s["id"], s["status"]) for s in body["sections"]] == [
        ("identification", "in_progress"), ("premier_rendez_vous", "not_started")]


def test_get__another_applicants_number_and_an_unknown_one__the_same_404(
        api: FlaskClient, applicant: Person, other: Person) -> None:
    number = create(api, applicant).get_json()["number"]
    theirs = api.get(f"/api/v1/dossiers/{number}", headers=other.headers)
    unknown = api.get("/api/v1/dossiers/G2600000000", headers=other.headers)
    for response in (theirs, unknown):
        assert response.status_code == 404 and response.mimetype == PROBLEM
        assert response.get_json()["type"] == "/api/v1/problems/not-found"
    assert theirs.get_json()["detail"] == unknown.get_json()["detail"]
    assert api.get("/api/v1/dossiers", headers=other.headers).get_json() == {"items": []}


def test_create__under_18__422_not_eligible_with_the_designers_message(
        api: FlaskClient, api_app: Flask) -> None:
    young = make_person("jeune@example.com", {**MARIA, "birth_date": "2015-01-01"})
    response = create(api, young)
    assert response.status_code == 422 and response.mimetype == PROBLEM
    body = response.get_json()
    assert body["type"] == "/api/v1/problems/not-eligible"
    assert body["reasons"] == ["Vous devez avoir au moins 18 ans pour vous inscrire à "
                               "Accompagnement Québec."]
    assert body["detail"] == body["reasons"][0]
    english = create(api, young, **EN).get_json()
    assert english["reasons"] == ["You must be at least 18 years old to register for "
                                  "Accompagnement Québec."]
    assert storage.list_dossiers(young.account_id) == []


@pytest.mark.parametrize("body, rule", [({"type": "nope"}, "option"), ({}, "required"),
                                        ({"type": 3}, "option")])
def test_create__unknown_or_no_type__422_pointer_type(api: FlaskClient, applicant: Person,
                                                       body: dict, rule: str) -> None:
    response = api.post("/api/v1/dossiers", json=body, headers=applicant.headers)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["type"] == "/api/v1/problems/validation-failed"
    assert problem["errors"] == [{"pointer": "/type", "section": "dossier", "field": "type",
                                  "rule": rule,
                                  "message": "Sélectionnez le type de dossier à créer."}]
    english = api.post("/api/v1/dossiers", json=body, headers={**applicant.headers, **EN})
    assert english.get_json()["errors"][0]["message"] != problem["errors"][0]["message"]


def test_create__not_json__415_and_not_an_object__400(api: FlaskClient,
                                                      applicant: Person) -> None:
    assert api.post("/api/v1/dossiers", data="type=x",
                    headers=applicant.headers).status_code == 415
    assert api.post("/api/v1/dossiers", json=[AQ], headers=applicant.headers).status_code == 400


def created(api: FlaskClient, person: Person, key: str | None, type_id: str = AQ,
            **headers: str):
    """POST /dossiers with `key` as Idempotency-Key (none for None), checked against
    the OpenAPI document."""
    if key is not None:
        headers["Idempotency-Key"] = key
    response = create(api, person, type_id, **headers)
    check_response(api.application, "POST", "/api/v1/dossiers", response)
    return response


def test_create__same_key_twice__one_dossier_same_answer_replayed(
        api: FlaskClient, applicant: Person) -> None:
    first = created(api, applicant, "7c1e-create")
    again = created(api, applicant, "7c1e-create", **EN)
    assert first.status_code == again.status_code == 201, first.get_json()
    assert again.data == first.data  # byte for byte, in the first request's language
    assert again.headers["Location"] == first.headers["Location"] == \
        f"/api/v1/dossiers/{first.get_json()['number']}"
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Language"] == "fr"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    listed = api.get("/api/v1/dossiers", headers=applicant.headers).get_json()["items"]
    assert [d["number"] for d in listed] == [first.get_json()["number"]]


def test_create__quoted_key__the_same_key(api: FlaskClient, applicant: Person) -> None:
    first = created(api, applicant, "k-quoted")
    again = created(api, applicant, '"k-quoted"')
    assert again.headers["Idempotent-Replayed"] == "true" and again.data == first.data


def test_create__no_key__each_request_creates_as_before(api: FlaskClient,
                                                        applicant: Person) -> None:
    one, two = created(api, applicant, None), created(api, applicant, None)
    assert one.status_code == two.status_code == 201
    assert one.get_json()["number"] != two.get_json()["number"]
    assert "Idempotent-Replayed" not in two.headers
    listed = api.get("/api/v1/dossiers", headers=applicant.headers).get_json()["items"]
    assert len(listed) == 2


def test_create__key_of_a_submission__422_reused_nothing_created(
        api: FlaskClient, api_app: Flask, applicant: Person) -> None:
    dossier = valid_draft(api_app.config["REGISTRY"], applicant.account_id)
    submitted = api.post(f"/api/v1/dossiers/{dossier.number}/submit",
                         headers={**applicant.headers, "Idempotency-Key": "one-key"})
    assert submitted.status_code == 200
    response = created(api, applicant, "one-key")
    assert response.status_code == 422 and response.mimetype == PROBLEM
    problem = response.get_json()
    assert problem["type"] == "/api/v1/problems/idempotency-key-reused"
    assert problem["detail"].startswith("Cette clé d'idempotence a déjà servi")
    english = created(api, applicant, "one-key", **EN).get_json()
    assert english["detail"].startswith("This idempotency key")
    assert len(storage.list_dossiers(applicant.account_id)) == 1


def test_create__key_of_another_type__422_reused(api: FlaskClient,
                                                 applicant: Person) -> None:
    types = [t["id"] for t in api.get("/api/v1/types",
                                      headers=applicant.headers).get_json()["items"]]
    other = next(t for t in types if t != AQ)
    assert created(api, applicant, "k-type").status_code == 201
    response = created(api, applicant, "k-type", other)
    assert response.status_code == 422
    assert response.get_json()["type"] == "/api/v1/problems/idempotency-key-reused"
    assert len(storage.list_dossiers(applicant.account_id)) == 1


def test_create__with_key_not_eligible__422_nothing_kept(api: FlaskClient) -> None:
    young = make_person("jeune-cle@example.com", {**MARIA, "birth_date": "2015-01-01"})
    for _ in range(2):  # refused twice: nothing kept, never replayed
        response = created(api, young, "k-young")
        assert response.status_code == 422
        assert response.get_json()["type"] == "/api/v1/problems/not-eligible"
    assert storage.list_dossiers(young.account_id) == []


@pytest.mark.parametrize("key", ["", "x" * 256, "with space"])
def test_create__malformed_key__400_nothing_created(api: FlaskClient, applicant: Person,
                                                    key: str) -> None:
    response = created(api, applicant, key)
    assert response.status_code == 400
    assert response.get_json()["type"] == "/api/v1/problems/bad-request"
    assert storage.list_dossiers(applicant.account_id) == []


def test_create__same_key_at_the_same_time__both_201_one_dossier(
        api_app: Flask, applicant: Person) -> None:
    responses = at_once(api_app, lambda client: created(client, applicant, "together"))
    assert [status for status, _ in responses] == [201, 201]
    assert responses[0][1] == responses[1][1]
    assert len(storage.list_dossiers(applicant.account_id)) == 1


# --- link --------------------------------------------------------------------------------

def test_link__registered_dossier_matching_profile__200_now_listed(
        api: FlaskClient, registered: storage.DossierView, gunter: Person) -> None:
    response = link(api, gunter, f"  {NUMBER.lower()} ")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["number"] == NUMBER and body["type"] == AQ
    assert response.headers["ETag"] == f'"{body["version"]}"'
    listed = api.get("/api/v1/dossiers", headers=gunter.headers).get_json()["items"]
    assert [d["number"] for d in listed] == [NUMBER]


@pytest.mark.parametrize("case", ["unknown number", "other identity", "linked already"])
def test_link__any_refusal__the_single_404(api: FlaskClient, registered: storage.DossierView,
                                          gunter: Person, applicant: Person,
                                          case: str) -> None:
    if case == "unknown number":
        response = link(api, gunter, "G2100000001")
    elif case == "other identity":
        response = link(api, applicant)  # Maria is not Gunter
    else:
        assert link(api, gunter).status_code == 200
        response = link(api, applicant)
    assert response.status_code == 404 and response.mimetype == PROBLEM
    body = response.get_json()
    assert body["type"] == "/api/v1/problems/not-found"
    assert body["detail"].startswith("Votre dossier n'a pas été trouvé.")
    english = link(api, gunter, "G2100000002", **EN).get_json()
    assert english["detail"] != body["detail"] and english["status"] == 404


def test_link__missing_type_and_number__422_pointers_nothing_counted(
        api: FlaskClient, gunter: Person, registered: storage.DossierView) -> None:
    for _ in range(6):
        response = api.post("/api/v1/dossiers/link", json={"type": "x"},
                            headers=gunter.headers)
        assert response.status_code == 422
        assert [e["pointer"] for e in response.get_json()["errors"]] == ["/type", "/number"]
    assert link(api, gunter).status_code == 200  # the refusals above counted nothing


def test_link__number_as_a_json_number__type_error_saying_so(
        api: FlaskClient, gunter: Person) -> None:
    """Found by an API trial: `"number": 12` said "Ce champ est obligatoire." (rule type)."""
    response = api.post("/api/v1/dossiers/link", json={"type": "x", "number": 12},
                        headers=gunter.headers)
    wrong = [e for e in response.get_json()["errors"] if e["pointer"] == "/number"]
    assert [(e["rule"], e["message"]) for e in wrong] == [
        ("type", "Écrivez le numéro du dossier entre guillemets, comme un texte.")]


def test_link__over_the_limit__429_retry_after_even_with_the_right_number(
        api: FlaskClient, registered: storage.DossierView, gunter: Person) -> None:
    for n in range(5):
        assert link(api, gunter, f"G210000000{n}").status_code == 404
    response = link(api, gunter)
    assert response.status_code == 429 and response.mimetype == PROBLEM
    body = response.get_json()
    assert body["type"] == "/api/v1/problems/too-many-requests"
    assert int(response.headers["Retry-After"]) == body["retry_after"] > 0
    assert "tentatives sont limitées" in body["detail"]
    assert storage.list_dossiers(gunter.account_id) == []


def test_link__limits_shared_with_the_page(api_app: Flask, api: FlaskClient,
                                           registered: storage.DossierView) -> None:
    """Tries through the page and through the API count together (one number, many
    doors: web/dossiers/linking.py)."""
    page = Applicant(api_app.test_client(), {**GUNTER, "email": "gunter@example.com"})
    assert page.register().status_code == 302
    account = storage.find_account_by_email("gunter@example.com")
    pair = storage.issue_tokens(account.id, 900, 3600)
    gunter = Person(account.id, account.email, "", {"Authorization": f"Bearer {pair.access_token}"})
    for n in range(5):
        page.get(f"/dossiers/identifier?type_id={AQ}")
        tried = page.post("/dossiers/identifier", {"type_id": AQ, "number": f"G210000000{n}"})
        assert tried.status_code == 422
    assert link(api, gunter).status_code == 429


def test_get__a_hidden_section__listed_with_status_hidden(api: FlaskClient,
                                                          applicant: Person) -> None:
    body = create(api, applicant, "allocation-enfants").get_json()
    statuses = {s["id"]: s["status"] for s in body["sections"]}
    assert statuses["conjoint"] == "hidden"  # its `when` (a spouse) does not hold
    assert statuses["demandeur"] == "not_started"
    assert list(statuses) == [s["id"] for s in api.get(
        "/api/v1/types", headers=applicant.headers).get_json()["items"][1]["sections"]]


# --- versions ----------------------------------------------------------------------------

def test_get__older_draft_of_a_type_that_migrates__its_new_schema_and_told_once(
        api_app: Flask, api_instance: str) -> None:
    """Issue 14's migration through the API: the draft opened on the newest version
    (its schema refs move), the notice in the answer that migrated it, in the asked
    language, then null (the message centre keeps it)."""
    from tests.definitions import ESSAI, RENDEZ_VOUS
    from tests.web.test_migration import V4_MIGRATE
    from tests.web.test_versions import ESSAI_TEXT, essai_registry, portal_with

    v3 = essai_registry(ESSAI_TEXT)
    v3_portal = portal_with(v3, api_instance)  # publishes version 3 (the database emptied)
    with store_of(v3_portal).bound():
        maria = make_person("maria@example.com", MARIA)
        draft = storage.create_dossier(v3, maria.account_id, ESSAI)
        storage.save_section(v3, maria.account_id, draft.number, "rendez_vous", RENDEZ_VOUS,
                             draft.version)
    store_of(v3_portal).disconnect()
    v4 = portal_with(essai_registry(V4_MIGRATE), api_instance)
    try:
        with store_of(v4).bound():
            client = v4.test_client()
            url = f"/api/v1/dossiers/{draft.number}"
            first = client.get(url, headers={**maria.headers, **EN})
            assert first.status_code == 200, first.get_json()
            body = first.get_json()
            assert body["definition_version"] == 4
            assert body["schema"] == "#/components/schemas/Answers.essai.v4"
            migration = body["migration"]
            assert (migration["from_version"], migration["to_version"]) == (3, 4)
            assert migration["message"] == "The test form changed, please check it."
            assert "Will someone come with you?" in [
                q for s in migration["sections"] for q in s["new"]]
            assert first.headers["ETag"] == f'"{body["version"]}"'
            again = client.get(url, headers=maria.headers).get_json()
            assert again["migration"] is None and again["version"] == body["version"]
    finally:
        store_of(v4).disconnect()


AQ_VALID = {"statut_immigration": "citoyen_canadien",
            "detail_statut": "citoyen_naturalise_selectionne_quebec",
            "a_numero_mifi": True, "numero_mifi": "ABC12345", "a_numero_ircc": False,
            "ville": "montreal", "type_rendez_vous": "virtuel", "francais_suffisant": True,
            "disponibilites": ["lundi_matin"]}


def test_get__submitted_then_sent_back__state_dates_and_the_agents_reason(
        api: FlaskClient, api_app: Flask, applicant: Person) -> None:
    reg = registry_of(api_app)
    created = create(api, applicant).get_json()
    number, version = created["number"], created["version"]
    for section in ("identification", "premier_rendez_vous"):
        version = storage.save_section(reg, applicant.account_id, number, section, AQ_VALID,
                                       version).version
    body = api.get(f"/api/v1/dossiers/{number}", headers=applicant.headers).get_json()
    assert [s["status"] for s in body["sections"]] == ["valid", "valid"]
    submitted = storage.submit(reg, applicant.account_id, number, version=version)
    body = api.get(f"/api/v1/dossiers/{number}", headers=applicant.headers).get_json()
    assert body["state"] == {"id": submitted.status, "label": "Présenté", "editable": False}
    assert body["submitted_at"].endswith("Z") and body["correction"] is None
    [row] = api.get("/api/v1/dossiers", headers=applicant.headers).get_json()["items"]
    assert row["submitted_at"] == body["submitted_at"] and row["state"]["label"] == "Présenté"

    agent, _ = storage.create_agent("agent@example.gc.ca", "Alain Agent", "agent", [AQ])
    storage.run_agent_transition(reg, agent.id, number, "demander_correction",
                                 {"motif": "Le numéro est illisible."}, None, submitted.version)
    body = api.get(f"/api/v1/dossiers/{number}", headers={**applicant.headers, **EN})
    sent_back = body.get_json()
    assert sent_back["state"]["editable"] is True
    assert sent_back["correction"] == "Le numéro est illisible."
    assert body.headers["ETag"] == f'"{sent_back["version"]}"'


def test_link__another_account_failing_six_times_on_the_number__the_owner_still_links(
        api: FlaskClient, registered: storage.DossierView, gunter: Person,
        applicant: Person) -> None:
    """No lock per number alone (web/dossiers/linking.py): Maria's six tries on Gunter's
    number (the sixth refused, 429) do not keep Gunter out, through the API or the page."""
    for _ in range(5):
        assert link(api, applicant).status_code == 404
    assert link(api, applicant).status_code == 429
    response = link(api, gunter)
    assert response.status_code == 200, response.get_json()
    assert [d.number for d in storage.list_dossiers(gunter.account_id)] == [NUMBER]

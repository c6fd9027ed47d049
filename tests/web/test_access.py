"""Who may do what: anonymous users go to login, nobody reads or changes another's
dossier (404), every POST needs the CSRF token. Every route of the app is listed here."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import IDENTIFICATION

N = "{number}"
# (method, path, login required); {number} is a dossier of Maria's
ROUTES = [
    ("GET", "/", False),
    ("GET", "/inscription", False), ("POST", "/inscription", False),
    ("GET", "/connexion", False), ("POST", "/connexion", False),
    ("GET", "/deconnexion", False), ("POST", "/deconnexion", False),
    ("POST", "/langue", False),
    ("GET", "/profil/", True), ("GET", "/profil/modifier", True),
    ("POST", "/profil/modifier", True),
    ("GET", "/dossiers/", True), ("GET", "/dossiers/nouveau", True),
    ("POST", "/dossiers/nouveau", True), ("GET", "/dossiers/identifier", True),
    ("POST", "/dossiers/identifier", True),
    ("GET", f"/dossiers/{N}/", True),
    ("GET", f"/dossiers/{N}/sections/identification", True),
    ("POST", f"/dossiers/{N}/sections/identification", True),
    ("POST", f"/dossiers/{N}/sections/identification/actualiser", True),
    ("GET", f"/dossiers/{N}/sections/identification/actualiser", True),
    ("GET", f"/dossiers/{N}/recapitulatif", True),
    ("GET", f"/dossiers/{N}/soumettre", True), ("POST", f"/dossiers/{N}/soumettre", True),
    ("GET", f"/dossiers/{N}/soumis", True),
    ("GET", "/messages/", True), ("GET", "/messages/{message}", True),
    ("GET", "/documents/", True), ("GET", "/documents/{document}/telecharger", True),
    ("GET", "/mot-de-passe-oublie", False), ("POST", "/mot-de-passe-oublie", False),
    ("GET", "/mot-de-passe-oublie/envoye", False),
    ("GET", "/mot-de-passe/{token}", False), ("POST", "/mot-de-passe/{token}", False),
]
IDS = {"{message}": ("<int:message_id>", "1"), "{document}": ("<int:document_id>", "1"),
       "{token}": ("<token>", "not-a-token")}
DOSSIER_ROUTES = [r for r in ROUTES if N in r[1]]
PROTECTED = [r for r in ROUTES if r[2]]
POSTS = [r for r in ROUTES if r[0] == "POST"]


def _rule(path: str) -> str:
    for placeholder, (rule, _) in IDS.items():
        path = path.replace(placeholder, rule)
    return path.replace(N, "<number>").replace("identification", "<section_id>")


def _url(path: str, number: str) -> str:
    for placeholder, (_, value) in IDS.items():
        path = path.replace(placeholder, value)
    return path.replace(N, number)


def test_routes__every_rule_of_the_app__is_in_this_file(app):
    listed = {(m, _rule(p)) for m, p, _ in ROUTES}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, rule.rule) in listed, f"{method} {rule.rule} has no access test"


@pytest.mark.parametrize(("method", "path", "_"), PROTECTED)
def test_protected_route__anonymous__sent_to_login(client, method, path, _):
    response = client.open(_url(path, "G2600000001"), method=method,
                           data={"csrf_token": _token(client)})
    assert response.status_code == 302
    assert response.location.startswith("/connexion?next=")


@pytest.mark.parametrize(("method", "path", "_"), DOSSIER_ROUTES)
def test_dossier_route__another_applicants_dossier__404(maria, other, method, path, _):
    number = maria.create_dossier()
    maria.fill(number, "identification", IDENTIFICATION)
    url = path.replace(N, number)
    response = other.get(url) if method == "GET" else other.post(url, {**IDENTIFICATION,
                                                                       "version": "2"})
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)
    assert maria.get(f"/dossiers/{number}/recapitulatif").status_code == 200


@pytest.mark.parametrize(("method", "path", "_"), POSTS)
def test_post__without_csrf_token__refused_400(maria, method, path, _):
    number = maria.create_dossier()
    response = maria.client.post(_url(path, number), data={"lang": "en"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Page expirée" in page and "Référence de la demande" in page


def test_post__htmx_with_the_header_token__accepted(maria):
    number = maria.create_dossier()
    token = maria.token()
    response = maria.client.post(f"/dossiers/{number}/sections/identification/actualiser",
                                 data={"a_numero_mifi": "true"},
                                 headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200
    assert 'id="f-numero_mifi"' in response.get_data(as_text=True)


def _token(client) -> str:
    html = client.get("/connexion").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)

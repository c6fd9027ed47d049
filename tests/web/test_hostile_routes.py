"""Any text, to every route and every form field (Hypothesis): never a 500.

Every route of `app.url_map` (tests/web/routes.py walks it, so a new route is
covered without anyone listing it) gets, in its path arguments, its query string
and its form fields (the names its own page's forms carry, and unknown ones), text
of any kind: a NUL byte, ids over the database's integer limit, huge numbers,
control characters, any Unicode. The owner's browser (logged in) or an anonymous
one sends it with a valid CSRF token, so the request reaches the view and the
database. A NUL byte is also put in every form field, one at a time. Run it on
SQLite and on PostgreSQL (`DATABASE_URL=postgresql://...`): PostgreSQL refuses a
NUL byte in text and an integer over 2147483647 where SQLite takes both.

The answers of a section are checked more deeply by tests/web/test_hostile_input.py.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.agents import AgentBrowser
from tests.web.conftest import Applicant, portal
from tests.web.routes import World, build_world, calls, logged_in

ROW_ID_OVER = "2147483648"  # one over PostgreSQL's integer
HOSTILE = ["\x00", "a\x00b", ROW_ID_OVER, "9" * 20, "-1", "0", "../../etc/passwd", "%00",
           "é" * 300, "<script>x</script>", " ", "\u202e", "\ufeff", "1e309", "NaN"]
TEXT = st.one_of(st.sampled_from(HOSTILE),
                 st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
NAME = re.compile(r'\bname="([^"]+)"')
ARGUMENT = re.compile(r"<(?:[^:>]+:)?([^>]+)>")
FAST = settings(max_examples=200, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@pytest.fixture
def app(registry, instance_dir):
    """The portal with attempt limits out of the way: the owner logs in again after a
    random POST to the logout route, however many random logins came before."""
    unlimited = ("login", "login_address", "link", "link_number", "link_address",
                 "password_reset")
    yield from portal(registry, instance_dir,
                      ATTEMPT_LIMITS={name: "100000/minute" for name in unlimited})


def _fields(world: World, url: str) -> list[str]:
    """The form field names of the page at `url`, or of the nearest page above it (a
    POST-only address such as a section's /actualiser posts the section's fields)."""
    while url.strip("/"):
        response = world.owner.client.get(url, buffered=True)
        if response.status_code == 200 and response.mimetype == "text/html":
            return sorted(set(NAME.findall(response.get_data(as_text=True)))
                          - {"csrf_token"})
        url = url.rstrip("/").rsplit("/", 1)[0] or "/"
    return []


def _hostile_path(data: st.DataObject, call: Any, real: dict[str, Any]) -> str:
    """The call's path with some of its `real` arguments replaced by any text."""
    hostile = data.draw(st.sets(st.sampled_from(sorted(real) or ["-"])), label="args")
    args = {name: data.draw(TEXT, label=name) if name in hostile else str(value)
            for name, value in real.items()}
    return ARGUMENT.sub(lambda m: quote(args[m.group(1)], safe=""), call.rule.rule)


def test_any_text__every_route_every_field__never_a_500(app, maria, other, registry):
    world = build_world(maria, other, registry)
    targets = [(call, _fields(world, call.url)) for call in calls(app, world)]
    owner = world.owner

    @FAST
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        call, fields = data.draw(st.sampled_from(targets), label="route")
        path = _hostile_path(data, call, world.args_for(call.rule, world.draft))
        query = data.draw(st.dictionaries(st.one_of(st.sampled_from(
            ["next", "etape", "lang", "q", "page"]), TEXT), TEXT, max_size=3), label="query")
        form = data.draw(st.dictionaries(st.one_of(st.sampled_from(fields or ["x"]), TEXT),
                                         TEXT, max_size=6), label="form")
        headers = {"HX-Request": "true"} if data.draw(st.booleans(), label="htmx") else {}
        browser = owner
        if data.draw(st.booleans(), label="anonymous"):  # the login, register... forms
            browser = Applicant(app.test_client())
        elif not logged_in(owner):
            assert owner.login().status_code == 302
        url = path + ("?" + urlencode(query) if query else "")
        body = {**form, "csrf_token": browser.token()} if call.method != "GET" else None
        response = browser.client.open(url, method=call.method, data=body, headers=headers,
                                      buffered=True)  # a file download closed
        assert response.status_code < 500, f"{call.method} {url!r} {form!r}"

    check()


def _agent_fields(supervisor: AgentBrowser, url: str) -> list[str]:
    """The field names of the back-office page at `url` (or the nearest page above it),
    as the supervisor sees it: its forms' and its filters' (query) names."""
    while url.strip("/"):
        response = supervisor.client.get(url, buffered=True)
        if response.status_code == 200 and response.mimetype == "text/html":
            return sorted(set(NAME.findall(response.get_data(as_text=True)))
                          - {"csrf_token"})
        url = url.rstrip("/").rsplit("/", 1)[0] or "/"
    return []


def test_any_text__every_back_office_route__as_a_supervisor__never_a_500(
        app, maria, other, registry, supervisor):
    """The back office's routes, as a supervisor granted the dossiers' type (every page
    and form open to them): any text in path, query and form, ids and versions over the
    database's integer limit included, never a 500."""
    world = build_world(maria, other, registry)
    targets = [(call, _agent_fields(supervisor, call.url)) for call in calls(app, world)
               if world.is_agent(call) and call.endpoint != "agent.logout"]
    assert len(targets) > 20

    @FAST
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        call, fields = data.draw(st.sampled_from(targets), label="route")
        path = _hostile_path(data, call, world.args_for(call.rule, world.submitted))
        names = st.sampled_from(fields or ["x"])
        query = data.draw(st.dictionaries(names, TEXT, max_size=3), label="query")
        form = data.draw(st.dictionaries(names, TEXT, max_size=6), label="form")
        if supervisor.get("/agent/").status_code != 200:
            assert supervisor.login().status_code == 303
            supervisor.get("/agent/")
        url = path + ("?" + urlencode(query) if query else "")
        body = {**form, "csrf_token": supervisor.token()} if call.method != "GET" else None
        response = supervisor.client.open(url, method=call.method, data=body, buffered=True)
        assert response.status_code < 500, f"{call.method} {url!r} {form!r}"

    check()


@pytest.mark.parametrize("url", ["/messages/2147483648", "/messages/99999999999999999999",
                                 "/documents/2147483648/telecharger",
                                 "/documents/99999999999999999999/telecharger",
                                 "/documents/0/telecharger", "/dossiers/" + "G" * 41 + "/"])
def test_ids_over_the_database_limit__not_found_page(maria, url):
    response = maria.get(url)
    assert response.status_code == 404
    assert "introuvable" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("big", [ROW_ID_OVER, "9" * 23])
def test_back_office__ids_and_versions_over_the_database_limit__404_or_422(
        supervisor, maria, big):
    """An agent id in a path or a form, a version in the export's query: no row can have
    it (storage.orm.entities.row_by_id), so nothing is found, never a 500."""
    number = maria.create_dossier()
    for url, form in ((f"/agent/agents/{big}/desactiver", {}), (f"/agent/agents/{big}/lien", {}),
                      (f"/agent/dossiers/{number}/attribution", {"agent": big})):
        supervisor.get("/agent/")
        assert supervisor.post(url, form).status_code == 404, url
    export = supervisor.get(f"/agent/exports/fichier?type=essai&format=csv&version={big}")
    assert export.status_code == 422
    assert "Cette version n’est pas publiée" in export.get_data(as_text=True)


def test_nul_byte__in_path_or_query__friendly_400(maria):
    number = maria.create_dossier()
    for url in ("/dossiers/G%00/", "/dossiers/?next=a%00", f"/dossiers/{number}/?a%00=b",
                "/messages/1%00", "/static/css/guichet.css%00", "/connexion?next=%00"):
        response = maria.get(url)
        assert response.status_code == 400, url
        assert response.headers["X-Request-Id"] in response.get_data(as_text=True)


def test_nul_byte__in_every_form_field_of_every_route__refused_or_removed_never_a_500(
        app, maria, other, registry):
    """Each field its page shows, alone with a NUL byte (the others as the page has them
    empty): a field error, a refusal or the byte removed, never a 500 (PostgreSQL refuses
    NUL in any text)."""
    world = build_world(maria, other, registry)
    tried = 0
    for call in calls(app, world, frozenset({"POST"})):
        for field in _fields(world, call.url):
            if not logged_in(maria):
                assert maria.login().status_code == 302
            response = maria.client.post(call.url, data={field: "a\x00b",
                                                         "csrf_token": maria.token()})
            assert response.status_code < 500, f"{call} {field}"
            tried += 1
    assert tried > 20

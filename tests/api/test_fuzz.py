"""Fuzzing the JSON API (issue 18): schemathesis generates requests for every operation
of the OpenAPI document the live server publishes, and each answer must be no server
error and conform to the document (status documented, content type, body schema,
documented headers).

The server is real: the portal (forms/ types) served by werkzeug from a thread on a
free port, on the suite's database (SQLite in a temporary folder, or DATABASE_URL). The
document is read from it (GET /api/v1/openapi.json), as a client would. Requests carry
the bearer token of Maria, a test applicant who owns a draft Accompagnement Québec
dossier and a submitted one (with its confirmation message and its PDF), so that path
parameters are most often real (`aimed`): her dossier numbers, a section id of the
type, her message and document ids; sometimes another applicant's dossier (404) or what
schemathesis made up. Operations that revoke a token (DELETE /tokens/current, a refresh)
get a token of their own per request, so the one every other request uses lives on.

Kept fast (CI runs the suite twice on 2 cores): FUZZ_EXAMPLES per operation, and
deterministic (hypothesis derandomized, no example database).
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.serving import make_server

import storage
from engine import Registry
from tests.api.conftest import (
    ACCESS_SECONDS,
    AMIR,
    AQ,
    MARIA,
    PASSWORD,
    REFRESH_SECONDS,
    api_portal,
    make_person,
    valid_draft,
)
from web.background.worker import render_pending_documents

FUZZ_EXAMPLES = 8  # valid requests per operation (~30 operations: well under a minute)
NEGATIVE_EXAMPLES = 4  # and requests breaking the document (wrong types, missing members)
DOCUMENT = "/api/v1/openapi.json"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
# operations that must answer a 2xx at least once in the run: every GET (but the reference
# page's, which schemathesis leaves out with the document) and the writes the aiming
# makes valid
REACHED = {
    "GET /dossiers", "GET /dossiers/{number}", "GET /dossiers/{number}/recap",
    "GET /dossiers/{number}/sections/{section_id}", "GET /documents",
    "GET /documents/{document_id}", "GET /messages", "GET /messages/{message_id}",
    "GET /profile", "GET /types", "PUT /dossiers/{number}/sections/{section_id}",
    "POST /dossiers/{number}/sections/{section_id}/validate", "POST /dossiers",
    "POST /messages/{message_id}/read", "POST /tokens", "POST /tokens/refresh",
    "DELETE /tokens/current",
}
TYPE = AQ


@dataclass
class World:
    """The live server and what Maria owns there (the values path parameters aim at)."""

    base_url: str
    registry: Registry
    email: str
    headers: dict[str, str]
    account_id: int
    numbers: list[str]          # Maria's draft (most often), submitted, Amir's
    sections: list[str]
    messages: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    statuses: dict[str, set[int]] = field(default_factory=dict)  # operation -> answered

    def version(self, number: str) -> int | str:
        """The dossier's version now (its ETag's), or "0" for one that is not Maria's."""
        try:
            return storage.get_dossier(self.account_id, number, self.registry).version
        except storage.NotFound:
            return "0"

    def fresh_pair(self) -> storage.TokenPair:
        """A new token pair of Maria's (its own chain: revoking it leaves `headers`')."""
        return storage.issue_tokens(self.account_id, ACCESS_SECONDS, REFRESH_SECONDS)


def often(made_up: Any, real: list[str]) -> Any:
    """One of `real` seven times in eight, else schemathesis' `made_up` value. Picked
    from the made-up value's CRC-32, never at random, so a run repeats."""
    if not real:
        return made_up
    k = zlib.crc32(repr(made_up).encode())
    return made_up if k % 8 == 0 else real[(k >> 3) % len(real)]


def aimed(case: schemathesis.Case, world: World) -> dict[str, str]:
    """Set `case`'s path parameters (and token-carrying bodies) to real values most of the
    time; return the headers to send (a token of its own for an operation that revokes
    its caller's token)."""
    path = case.operation.path
    params = case.path_parameters or {}
    for name, value in params.items():
        if name == "number":
            params[name] = often(value, world.numbers)
        elif name == "section_id":
            params[name] = often(value, world.sections)
        elif "/messages/" in path:
            params[name] = often(value, world.messages)
        elif "/documents/" in path:
            params[name] = often(value, world.documents)
    headers = dict(world.headers)
    if case.headers and "If-Match" in case.headers and params.get("number") in world.numbers:
        case.headers["If-Match"] = often(case.headers["If-Match"],
                                          [f'"{world.version(params["number"])}"'])
    if path == "/dossiers" and isinstance(case.body, dict) and "type" in case.body:
        case.body["type"] = often(case.body["type"], [TYPE])
    if path.startswith("/tokens"):
        pair = world.fresh_pair()
        headers = {"Authorization": f"Bearer {pair.access_token}"}
        if isinstance(case.body, dict):
            if "refresh_token" in case.body:
                case.body["refresh_token"] = often(case.body["refresh_token"],
                                                   [pair.refresh_token])
            if "email" in case.body and often(case.body["email"], ["real"]) == "real":
                case.body.update(email=world.email, password=PASSWORD)
    return headers


@pytest.fixture(scope="module")
def fuzz_world(api_registry: Registry, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[World]:
    """The portal served on a free port, its database holding Maria (a draft and a
    submitted AQ dossier, the confirmation message, the rendered PDF) and Amir (one
    dossier, for the 404 of another's)."""
    portal = api_portal(api_registry, str(tmp_path_factory.mktemp("fuzz-instance")))
    app = next(portal)
    maria = make_person("maria.fuzz@example.com", MARIA)
    amir = make_person("amir.fuzz@example.com", AMIR)
    draft = storage.create_dossier(api_registry, maria.account_id, TYPE)
    done = valid_draft(api_registry, maria.account_id)
    storage.submit(api_registry, maria.account_id, done.number)
    render_pending_documents(api_registry)
    theirs = storage.create_dossier(api_registry, amir.account_id, TYPE)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="fuzz-server", daemon=True)
    thread.start()
    try:
        yield World(
            base_url=f"http://127.0.0.1:{server.server_port}", registry=api_registry,
            email=maria.email,
            headers=maria.headers, account_id=maria.account_id,
            numbers=[draft.number, draft.number, draft.number, done.number, theirs.number],
            sections=list(api_registry[TYPE].sections),
            messages=[m.public_id for m in storage.list_messages(maria.account_id)],
            documents=[d.public_id for d in storage.list_documents(maria.account_id)])
    finally:
        server.shutdown()
        thread.join(timeout=10)
        portal.close()


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_world: World) -> schemathesis.BaseSchema:
    """The document as the live server publishes it, requests going to that server."""
    return schemathesis.openapi.from_url(fuzz_world.base_url + DOCUMENT)


def fuzz_operation(operation: Any, world: World, mode: GenerationMode, examples: int) -> None:
    """Run `examples` requests schemathesis makes for `operation` in `mode`; raise the
    first broken check (hypothesis shrinks it to its smallest request)."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        headers = aimed(case, world)
        response = case.call_and_validate(base_url=world.base_url + "/api/v1",
                                          headers=headers, checks=CHECKS, timeout=30)
        world.statuses.setdefault(operation.label, set()).add(response.status_code)

    run()


def test_fuzz__every_operation__no_server_error_and_every_answer_as_documented(
        fuzz_schema: schemathesis.BaseSchema, fuzz_world: World) -> None:
    broken = []
    operations = [result.ok() for result in fuzz_schema.get_all_operations()]
    for operation in operations:
        for mode, examples in ((GenerationMode.POSITIVE, FUZZ_EXAMPLES),
                               (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES)):
            try:
                fuzz_operation(operation, fuzz_world, mode, examples)
            except Unsatisfiable:  # no parameter or body to make invalid
                continue
            except (Exception, BaseExceptionGroup) as error:  # every operation's, not the first's
                broken.append(f"{operation.label} ({mode.value}): {error}")
    paths = fuzz_schema.raw_schema["paths"]
    documented = {f"{method.upper()} {path}" for path, item in paths.items()
                  for method in item if method in METHODS}
    # every operation but the document's own (schemathesis leaves out the URL it read)
    assert {o.label for o in operations} == documented - {"GET /openapi.json"}
    assert not broken, "\n\n".join(broken)
    # the aiming works: these operations went past the checks of their input at least once
    succeeded = {label for label, codes in fuzz_world.statuses.items()
                 if any(200 <= code < 300 for code in codes)}
    assert (REACHED & {o.label for o in operations}) - succeeded == set()

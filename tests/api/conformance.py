"""Every API test's answers checked against the OpenAPI document (issue 18: conformance).

`check_response(app, method, path, response)` validates a Flask test client's response
with openapi-core against the document `app` serves (web/api/openapi.py): its status
must be documented for that operation, its content type and body must match the
documented schema, its documented headers must be there. An undocumented path, method
or status fails the test. Use it after each call:

    response = api.get("/api/v1/profile", headers=applicant.headers)
    check_response(api_app, "GET", "/api/v1/profile", response)

(`path`: as requested, with its query string if any; the request's own headers and body
are not judged, only the response.)
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.test import EnvironBuilder, TestResponse
from werkzeug.wrappers import Request

from web import store_of
from web.api import openapi
from web.api.problems import MEDIA_TYPE

# openapi-core reads `application/json` only and leaves other types as
# bytes, which no object schema accepts: problem+json bodies are JSON too (RFC 9457)
CONFIG = Config(extra_media_type_deserializers={MEDIA_TYPE: json.loads})

# document text -> openapi-core's view of it: each test's app serves the same document,
# read (and its spec validated, ~1 s) once per run
_SPECS: dict[str, OpenAPI] = {}


def spec(app: Flask) -> OpenAPI:
    """openapi-core's view of the document `app` serves (built once per distinct document)."""
    with store_of(app).bound():
        text = openapi.document_json(app)
    found = _SPECS.get(text)
    if found is None:
        found = _SPECS[text] = OpenAPI.from_dict(json.loads(text), config=CONFIG)
    return found


def _request(method: str, path: str) -> Request:
    """A bodiless request for `method path` (on http://localhost): what openapi-core needs
    to find the operation. Never the test client's own: its body was read by the view,
    and openapi-core reading it again fails (werkzeug ClientDisconnected)."""
    return Request(EnvironBuilder(path=path, method=method.upper()).get_environ())


def check_response(app: Flask, method: str, path: str, response: TestResponse) -> None:
    """Fail (openapi-core's exception, an AssertionError-like error naming what broke the
    document) unless `response` to `method path` is documented and matches its schema:
    unknown path or method, undocumented status, wrong content type, a body or a
    documented header that breaks its schema."""
    request = WerkzeugOpenAPIRequest(_request(method, path))
    spec(app).validate_response(request, WerkzeugOpenAPIResponse(response))


def documented(app: Flask) -> dict[str, Any]:
    """The document `app` serves, as a dict (for tests reading the components)."""
    with store_of(app).bound():
        return openapi.document(app)

"""The OpenAPI 3.1 document of /api/v1, generated from the code and the definitions.

Issue 18: the contract of the mobile app is generated, never written by hand, so it
cannot drift from what the server does. `build_document` assembles:
- the shared parts (web/api/spec.py: problems, parameters, responses, bearer scheme);
- each resource module's `PATHS` and `SCHEMAS` (web/api/__init__.py `RESOURCES`,
  and this module's own two paths);
- for every version of every dossier type the app knows (its registry's newest, each
  older published version, which dossiers stay pinned to, and the published versions
  of a type removed from forms/, whose dossiers are still shown), the compiled JSON
  Schemas: `Answers.<type>.v<version>` (the whole dossier), `Section.<type>.v<version>
  .<section>` (one section), and `Form.<type>.v<version>`, the UI description
  (web/api/form_description.py, schema `FormDescription`, the version's own
  description as its `const`).

The compiled schemas are JSON Schema 2020-12, which OpenAPI 3.1 speaks; their `$schema`
is dropped (the document's dialect is that one) and their `$defs` (a field type's
shared lists, the address's countries) are hoisted to components `Defs.<name>` with
every `#/$defs/<name>` rewritten to point there: a name means one schema whichever
type gives it (engine.fieldtypes `schema_defs`), so one component serves all.

Served at GET /api/v1/openapi.json (public, built once per app on first use, then
kept) and drawn at GET /api/v1/docs by the vendored Redoc (web/static/vendor/redoc/);
`guichet openapi` prints the same document.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from typing import Any

from flask import Flask, Response, current_app, render_template, request, url_for

import storage
from engine import CompiledDefinition, Registry
from web.api import form_description, spec
from web.api.auth import tolerates_cookies
from web.api.blueprint import PREFIX, bp
from web.api.names import (
    REF,
    answers_name,
    form_name,
    section_name,
)
from web.api.names import component_part as _name
from web.registry import EXTENSION as REGISTRY_EXTENSION

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
EXTENSION = "guichet.openapi"  # app.extensions key: the document, serialised once
_lock = threading.Lock()

# The reference page's Content-Security-Policy: the portal's (web/http/headers.py) but
# for what Redoc needs. Its bundle writes its styles at run time (styled-components:
# <style> elements and style attributes), so 'unsafe-inline' for styles only, on this
# page only (no personal data, no form on it); its search index runs in a Web Worker
# made from a blob: URL. Scripts stay 'self' (no inline script: the page's start-up is
# web/static/js/api-docs.js), no font, image or connection leaves the site.
DOCS_CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


# --- the compiled schemas inside the document -----------------------------------------

def _rewrite(schema: Any) -> Any:
    """A copy of a compiled schema fit for the document: `$schema` dropped, each
    `#/$defs/<name>` ref pointing at the component `Defs.<name>` (the `$defs` themselves
    are taken out by `_embed`)."""
    if isinstance(schema, dict):
        out = {}
        for key, value in schema.items():
            if key == "$schema":
                continue
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                value = REF + "Defs." + _name(value[len("#/$defs/"):])
            out[key] = _rewrite(value)
        return out
    if isinstance(schema, list):
        return [_rewrite(v) for v in schema]
    return schema


def _embed(schema: dict[str, Any], defs: dict[str, Any], description: str = ""
           ) -> dict[str, Any]:
    """`schema` rewritten (`_rewrite`), its `$defs` moved into `defs` (name -> schema,
    each once), with `description` (for the reference page) when given."""
    for name, sub in schema.get("$defs", {}).items():
        defs.setdefault("Defs." + _name(name), _rewrite(sub))
    out = _rewrite({k: v for k, v in schema.items() if k != "$defs"})
    if description:
        out["description"] = description
    return out


def versions(registry: Registry) -> list[CompiledDefinition]:
    """Every version the app can serve: each registry type's current version and every
    published one (storage), then the published versions of types since removed from
    forms/ (their dossiers are still shown, read-only); by type (registry order, then
    the removed ones by id), then version. A version whose text no longer compiles is
    left out (no dossier can be shown with it either). Reads the published versions
    once (`storage.published_versions`, which also counts dossiers by version: one
    grouped query, at the document's first build only)."""
    wanted: dict[str, set[int]] = {c.id: {c.definition.version} for c in registry}
    for published in storage.published_versions():
        wanted.setdefault(published.type_id, set()).add(published.version)
    found = []
    for type_id in [*registry.ids(), *sorted(wanted.keys() - set(registry.ids()))]:
        for version in sorted(wanted[type_id]):
            try:
                found.append(storage.definition_of(registry, type_id, version))
            except storage.NotFound:
                continue
    return found


def definition_components(compiled: list[CompiledDefinition]) -> dict[str, Any]:
    """The component schemas of `compiled` (see the module's docstring), name -> schema."""
    schemas: dict[str, Any] = {}
    defs: dict[str, Any] = {}
    for c in compiled:
        d = c.definition
        answers = answers_name(d.id, d.version)
        sections = {s: section_name(d.id, d.version, s) for s in c.sections}
        schemas[answers] = _embed(c.schema, defs, f"The answers of a whole dossier of "
                                  f"{d.id}, version {d.version} ({d.title.en or d.title.fr}).")
        for s, compiled_section in c.sections.items():
            schemas[sections[s]] = _embed(compiled_section.schema, defs,
                                          f"The answers of the section {s} of {d.id}, "
                                          f"version {d.version}.")
        instance = form_description.describe(c, REF + answers,
                                             {s: REF + n for s, n in sections.items()})
        schemas[form_name(d.id, d.version)] = {
            "allOf": [{"$ref": REF + "FormDescription"}],
            "description": f"The form of {d.id}, version {d.version}, to draw it in French "
                           f"or English: this component's `const`.",
            "const": instance,
        }
    return {**schemas, **dict(sorted(defs.items()))}


def _definitions_tag(compiled: list[CompiledDefinition]) -> dict[str, Any]:
    """A tag without operations (Redoc's `x-traitTag`) telling the definitions' components
    on the reference page: the FormDescription schema drawn, and each version's names."""
    lines = [f"- {c.definition.title.en or c.definition.title.fr} (`{c.id}`), version "
             f"{c.definition.version}: `{answers_name(c.id, c.definition.version)}`, "
             f"`{form_name(c.id, c.definition.version)}`, sections "
             + ", ".join(f"`{section_name(c.id, c.definition.version, s)}`"
                         for s in c.sections)
             for c in compiled]
    return {
        "name": "definitions",
        "x-displayName": "Dossier types' schemas",
        "x-traitTag": True,
        "description": (
            "Every version of every dossier type this server can serve has its components "
            "in this document (`components.schemas`): read them from "
            "`GET /openapi.json`.\n\n" + "\n".join(lines) + "\n\n"
            "## FormDescription\n\nThe `const` of each `Form.<type>.v<version>` is one:\n\n"
            '<SchemaDefinition schemaRef="#/components/schemas/FormDescription" '
            'showReadOnly={true} showWriteOnly={true} />\n'),
    }


# --- the document ----------------------------------------------------------------------

def _resources() -> tuple[Any, ...]:
    """The resource modules (web/api/__init__.py RESOURCES) and this one, each once."""
    import web.api  # the package lists this module: imported when first used

    modules = list(web.api.RESOURCES)
    this = sys.modules[__name__]
    return tuple(modules + ([this] if this not in modules else []))


def _merge(into: dict[str, Any], part: dict[str, Any], what: str, module: str) -> None:
    """Add `part` (name -> value) to `into`; ValueError naming `module` when a name is
    already there with another value (two modules declaring one component or one
    operation: a mistake the document must not hide by keeping the last)."""
    for name, value in part.items():
        if name in into and into[name] != value:
            raise ValueError(f"{module} declares the {what} {name!r} again, differently")
        into[name] = value


def _with_cookie_refusal(paths: dict[str, Any]) -> dict[str, Any]:
    """`paths` with a 400 on every operation needing a token: the API refuses any such
    request carrying a session cookie (`cookie-refused`, web/api/auth.py), whatever the
    operation. The modules' own PATHS are left as they are (copied, not changed)."""
    out: dict[str, Any] = {}
    for path, item in paths.items():
        out[path] = dict(item)
        for method, operation in item.items():
            if not isinstance(operation, dict) or not operation.get("security"):
                continue
            responses = {"400": spec.ref("responses", "BadRequest"),
                         **operation.get("responses", {})}
            out[path][method] = {**operation, "responses": dict(sorted(responses.items()))}
    return out


def _with_server_answers(paths: dict[str, Any]) -> dict[str, Any]:
    """`paths` with what any operation may answer whatever it declares: 500
    `server-error` and 503 `unavailable` (+ Retry-After) on every one; on every one
    taking a body, 400 `bad-request` (not a JSON object: malformed, NaN, nested too
    deep), 413 `too-large` (over MAX_CONTENT_LENGTH, unread) and 415. An operation's
    own answer for one of these statuses is kept."""
    out: dict[str, Any] = {}
    for path, item in paths.items():
        out[path] = dict(item)
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            generic = {"500": spec.ref("responses", "ServerError"),
                       "503": spec.ref("responses", "Unavailable")}
            if "requestBody" in operation:
                generic.update({"400": spec.ref("responses", "BadRequest"),
                                "413": spec.ref("responses", "TooLarge"),
                                "415": spec.ref("responses", "UnsupportedMediaType")})
            responses = {**generic, **operation["responses"]}
            out[path][method] = {**operation, "responses": dict(sorted(responses.items()))}
    return out


def build_document(registry: Registry) -> dict[str, Any]:
    """The OpenAPI 3.1 document (a JSON-able dict) of the API serving `registry`'s dossier
    types. Reads the published versions through storage: call it with a store current
    (inside a request, or `store.bound()`). Component names: see `component_names`."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    tags: list[dict[str, str]] = []
    for module in dict.fromkeys((spec, *_resources())):
        for path, item in getattr(module, "PATHS", {}).items():
            _merge(paths.setdefault(path, {}), item, f"operation of {path}", module.__name__)
        _merge(schemas, getattr(module, "SCHEMAS", {}), "component schema", module.__name__)
        tag = module.__name__.rsplit(".", 1)[-1]
        doc = (module.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        if getattr(module, "PATHS", None) and tag != "spec":
            tags.append({"name": tag, "description": doc})
    _merge(schemas, form_description.SCHEMAS, "component schema", form_description.__name__)
    served = versions(registry)
    _merge(schemas, definition_components(served), "component schema", "the definitions")
    tags.append(_definitions_tag(served))
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Guichet API",
            "version": API_VERSION,
            "summary": "The applicant's dossiers, for a mobile app: the same rules as the "
                       "portal's pages.",
            "description": INTRO,
        },
        "servers": [{"url": PREFIX}],
        "tags": tags,
        "paths": _with_server_answers(_with_cookie_refusal(dict(sorted(paths.items())))),
        "components": {
            "schemas": schemas,
            "parameters": dict(getattr(spec, "PARAMETERS", {})),
            "responses": dict(getattr(spec, "RESPONSES", {})),
            "securitySchemes": dict(getattr(spec, "SECURITY_SCHEMES", {})),
        },
    }


INTRO = (
    "JSON in, JSON out; errors are RFC 9457 `application/problem+json`. Authenticate "
    "with `Authorization: Bearer <access token>` from `POST /tokens`; the API sets and "
    "reads no cookie. `Accept-Language: en` answers in English (French by default).\n\n"
    "Each version of each dossier type has its components: `Answers.<type>.v<version>` "
    "(the JSON Schema of a dossier's answers), `Section.<type>.v<version>.<section>` "
    "(one section's) and `Form.<type>.v<version>` (what an app needs to draw the form, "
    "in French and English: see `FormDescription`). A dossier is always read and "
    "written with its own version's.")


def _kept(app: Flask) -> tuple[str, str]:
    """(the document's JSON text, its strong ETag: the text's sha256), built on first
    use and kept for the life of the app. Needs the app's store current."""
    found = app.extensions.get(EXTENSION)
    if found is None:
        with _lock:
            found = app.extensions.get(EXTENSION)
            if found is None:
                document = build_document(app.extensions[REGISTRY_EXTENSION])
                text = json.dumps(document, ensure_ascii=False, indent=1)
                found = (text, hashlib.sha256(text.encode("utf-8")).hexdigest())
                app.extensions[EXTENSION] = found
    return found


def document_json(app: Flask) -> str:
    """`app`'s document serialised (UTF-8 JSON text, keys in a stable order), built on
    first use and kept for the life of the app. Needs the app's store current."""
    return _kept(app)[0]


def document(app: Flask) -> dict[str, Any]:
    """`app`'s document as a dict (a fresh copy of the kept one)."""
    return json.loads(document_json(app))


@bp.get("/openapi.json")
@tolerates_cookies
def openapi_json() -> Response:
    """The document, public (a browser logged in to the portal may open it: nothing
    personal is read); cacheable for an hour (it changes only with a deploy), with a
    strong ETag (the text's sha256) so an app keeping the forms asks `If-None-Match`
    and gets 304 while they are unchanged. The same bytes for every Accept-Language (the
    forms' texts are there in both languages): `Content-Language: fr, en`, so a shared
    cache never serves it under the wrong language."""
    text, etag = _kept(current_app)
    response = Response(text, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Content-Language"] = "fr, en"
    return response.make_conditional(request)


@bp.get("/docs")
@tolerates_cookies
def docs() -> Response:
    """The reference page: Redoc drawing the document, from this site's files only."""
    html = render_template("api/docs.html", spec_url=url_for("api.openapi_json"))
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


_PUBLIC = {"security": [], "tags": ["openapi"]}
PATHS: dict[str, Any] = {
    "/openapi.json": {"get": {
        **_PUBLIC, "operationId": "getOpenApiDocument",
        "summary": "This document (OpenAPI 3.1), with every dossier type's schemas",
        "parameters": [{"name": "If-None-Match", "in": "header", "required": False,
                        "description": "The ETag of a copy the app holds.",
                        "schema": {"type": "string"}}],
        "responses": {
            "200": {"description": "The document.",
                    "headers": {"ETag": {"schema": {"type": "string"},
                                         "description": "The sha256 of the document."}},
                    "content": {"application/json": {
                        "schema": {"type": "object", "required": ["openapi"]}}}},
            "304": {"description": "Unchanged since the copy whose ETag was sent."},
        },
    }},
    "/docs": {"get": {
        **_PUBLIC, "operationId": "getApiReference",
        "summary": "The reference page drawing this document (HTML)",
        "responses": {"200": {"description": "The page.", "content": {
            "text/html": {"schema": {"type": "string"}}}}},
    }},
}
SCHEMAS: dict[str, Any] = {}

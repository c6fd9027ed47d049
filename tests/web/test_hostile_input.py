"""Hostile input through the web layer, for every section of every dossier type of
tests/definitions/ (Hypothesis): random and malicious answers, unknown fields, wrong
shapes, huge strings, control characters, non-UTF-8 bytes, HTML and script in every
text field.

What must hold, whatever is posted: never a 500; a section shown valid (green check) is
valid for an independent validator (python-jsonschema, not the engine's jsonschema-rs);
a dossier accepted for submission is valid as a whole; nothing typed comes back
unescaped in a page; nothing over twice a field's length is stored. The engine's own
property test is tests/unit/test_hostile_answers.py; PDFs escape text too
(tests/web/test_documents.py::test_text_answer_with_html__escaped_in_the_pdf); the
safe YAML loader is tests/unit/test_definitions.py::test_load__python_tags__refused_by_
safe_loader.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import storage
from engine.model import Field
from tests import definitions
from tests.definitions import ESSAI, IDENTITE, RENDEZ_VOUS
from web.config import BY_KEY
from web.forms.answer_sizes import DRAFT_FACTOR, overlong_fields

MAX_BODY_BYTES = BY_KEY["MAX_CONTENT_LENGTH"].default

MARK = "zq9x"
SCRIPTS = [f"<script>{MARK}()</script>", f'"><img src=x onerror={MARK}()>',
           f"</textarea><script>{MARK}</script>", f"<svg onload={MARK}()>",
           f"' autofocus onfocus={MARK}() x='", f"javascript:{MARK}()",
           f"{{{{7*7}}}}{MARK}", f"<!--{MARK}", f"]]><{MARK}>"]
# The payloads as they would read if a page did not escape them (escaped, "onerror=" is
# harmless text: it is the raw "<" and quotes that must never come back).
RAW = [f"<script>{MARK}", f"<img src=x onerror={MARK}", f"<svg onload={MARK}",
       f"' autofocus onfocus={MARK}", f"<{MARK}>", f"<!--{MARK}", "</textarea><script>"]
NASTY_CHARS = st.characters(min_codepoint=0, max_codepoint=0x30FF,
                            blacklist_categories=("Cs",))
# Known valid answers (tests may name a type's fields), a script in the free text: the
# "shown valid" and escaping checks then surely meet a valid section too.
VALID = {(ESSAI, "identite"): IDENTITE,
         (ESSAI, "rendez_vous"): {**RENDEZ_VOUS, "autre_langue": SCRIPTS[0]}}
SLOW = settings(max_examples=50, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


def limit(f: Field) -> int:
    return f.kind.max_length(f) or 200


def values(f: Field) -> st.SearchStrategy[list[str]]:
    """What a browser, or a script, may post for one field: its own options, yes/no words,
    scripts, random text with control characters, and strings around its length limits."""
    options = [o.value for o in f.choices()] or ["x"]
    n = limit(f)
    one = st.one_of(
        st.sampled_from(options),
        st.sampled_from(["true", "false", "oui", "non", "", " ", "on"]),
        st.sampled_from(SCRIPTS),
        st.text(NASTY_CHARS, max_size=40),
        st.builds(lambda k, c: c * k, st.sampled_from([n, n + 1, DRAFT_FACTOR * n + 1]),
                  st.sampled_from(["a", "é", "<"])),
    )
    return st.lists(one, max_size=3)


def payloads(section) -> st.SearchStrategy[dict[str, list[str]]]:
    known = st.fixed_dictionaries({}, optional={f.id: values(f) for f in section.fields})
    unknown = st.dictionaries(st.text(NASTY_CHARS, min_size=1, max_size=12),
                              st.lists(st.text(NASTY_CHARS, max_size=20), max_size=2),
                              max_size=3)
    return st.builds(lambda a, b: {**b, **a}, known, unknown)


def form_body(payload: dict[str, list[str]], extra: dict[str, str], broken: bool) -> bytes:
    """application/x-www-form-urlencoded, with invalid UTF-8 spliced in when `broken`."""
    pairs = [(k, v) for k, vs in payload.items() for v in vs] + list(extra.items())
    body = "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs).encode()
    if broken:
        body += b"&" + quote(next(iter(payload), "x")).encode() + b"=%FF%FE\xff\xc3("
    return body


def unescaped(page: str) -> list[str]:
    return [r for r in RAW if r in page]


def valid_sections(page: str) -> list[str]:
    return re.findall(r'/sections/([\w-]+)"[^>]*>\s*<span class="check check--valid"', page)


def every_section() -> list[tuple[str, str]]:
    """(type, section) for every section of every type the portal under test serves."""
    return [(c.id, s.id) for c in definitions.registry() for s in c.definition.sections]


@pytest.mark.parametrize(("type_id", "section_id"), every_section())
def test_hostile_posts__any_section__no_500_escaped_and_valid_when_claimed(
        maria, registry, type_id, section_id):
    compiled = registry[type_id]
    section = compiled.definition.section(section_id)
    number = maria.create_dossier(type_id)
    owner = storage.find_account_by_email(maria.profile["email"]).id
    url = maria.section_url(number, section_id)
    token = maria.token()
    independent = {sid: Draft202012Validator(cs.schema,
                                             format_checker=Draft202012Validator.FORMAT_CHECKER)
                   for sid, cs in compiled.sections.items()}
    whole = Draft202012Validator(compiled.schema,
                                 format_checker=Draft202012Validator.FORMAT_CHECKER)
    client = maria.client

    @SLOW
    @given(payload=payloads(section), broken=st.booleans(),
           version=st.sampled_from(["current", "", "-1", "abc", "9" * 30]),
           submit=st.integers(0, 9))
    def check(payload: dict[str, list[str]], broken: bool, version: str, submit: int):
        current = storage.get_dossier(owner, number)
        extra = {"csrf_token": token,
                 "version": str(current.version) if version == "current" else version}
        body = form_body(payload, extra, broken)
        kind = {"content_type": "application/x-www-form-urlencoded"}
        saved = client.post(url, data=body, **kind)
        # Bytes that are not UTF-8 make werkzeug drop the whole form: no CSRF token, 400.
        expected = {302, 409, 422} | ({413} if len(body) > MAX_BODY_BYTES else set()) | (
            {400} if broken else set())
        assert saved.status_code in expected, saved.status_code
        refreshed = client.post(url + "/actualiser", data=body, headers={"HX-Request": "true"},
                                **kind)
        assert refreshed.status_code in {200, 302, 413} | ({400} if broken else set())
        pages = [saved, refreshed, client.get(url),
                 client.get(f"/dossiers/{number}/recapitulatif")]
        for response in pages:
            assert response.status_code < 500
            assert not unescaped(response.get_data(as_text=True))
        stored = storage.get_dossier(owner, number).answers
        assert not overlong_fields(section, stored), "stored more than the definition allows"
        for sid in valid_sections(pages[2].get_data(as_text=True)):
            errors = [e.message for e in independent[sid].iter_errors(stored)]
            assert not errors, f"section {sid} shown valid but: {errors}"
        if submit == 0:
            done = client.post(f"/dossiers/{number}/soumettre", data={"csrf_token": token})
            assert done.status_code in {302, 409}
            if done.status_code == 302:
                dossier = storage.get_dossier(owner, number)
                assert dossier.submitted_at is not None
                assert not list(whole.iter_errors(dossier.answers))
                assert not unescaped(client.get(done.location).get_data(as_text=True))

    seed = VALID.get((type_id, section_id))
    if seed is not None:
        lists = {k: v if isinstance(v, list) else [v] for k, v in seed.items()}
        check = example(payload=lists, broken=False, version="current", submit=1)(check)
    check()


def test_body__over_256_kb__413_friendly_page_nothing_stored(maria):
    number = maria.create_dossier()
    response = maria.post(maria.section_url(number, "identite"),
                          {"numero": "A" * (MAX_BODY_BYTES + 1), "version": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Envoi trop volumineux" in page and response.headers["X-Request-Id"] in page
    owner = storage.find_account_by_email(maria.profile["email"]).id
    assert storage.get_dossier(owner, number).answers == {}


def test_save__text_over_twice_its_length__refused_with_the_field_error(maria, registry):
    """A draft may keep a too-long text (with its error) up to twice the limit; beyond,
    nothing is stored and the field says why."""
    number = maria.create_dossier()
    field = registry[ESSAI].definition.all_fields()["autre_langue"]
    n = limit(field)
    shown = {"francais": "false", "langues": ["autre"]}
    url = maria.section_url(number, "rendez_vous")
    version = maria.version(number, "rendez_vous")
    over = maria.post(url, {**shown, "autre_langue": "x" * (DRAFT_FACTOR * n + 1),
                            "version": version})
    page = over.get_data(as_text=True)
    assert over.status_code == 422
    assert "Cette réponse est trop longue." in page and "n&#39;ont pas été enregistrées" in page
    owner = storage.find_account_by_email(maria.profile["email"]).id
    assert storage.get_dossier(owner, number).answers == {}
    kept = maria.post(url, {**shown, "autre_langue": "x" * (n + 1), "version": version})
    assert kept.status_code == 302  # a draft may be wrong: kept, with the error shown
    assert len(storage.get_dossier(owner, number).answers["autre_langue"]) == n + 1


def test_overlong_fields__every_field_of_every_type__limit_from_the_definition(registry):
    for compiled in registry:
        for section in compiled.definition.sections:
            for f in section.fields:
                if f.is_list:
                    too_many = [o.value for o in f.choices()] * 2
                    assert overlong_fields(section, {f.id: too_many}) == [f.id]
                    continue
                n = limit(f) if f.type not in ("select", "radio", "yesno") else max(
                    [len(o.value) for o in f.choices()] + [10])
                assert overlong_fields(section, {f.id: "x" * (DRAFT_FACTOR * n)}) == []
                assert overlong_fields(section, {f.id: "x" * (DRAFT_FACTOR * n + 1)}) == [
                    f.id]


def _chunked(client, url: str, body: bytes):
    """POST a form as a server hands over a chunked body: Transfer-Encoding chunked (so no
    length, whatever Content-Length says), the stream ended by the server
    (`wsgi.input_terminated`), as gunicorn does."""
    return client.post(url, data=body, content_type="application/x-www-form-urlencoded",
                       headers={"Transfer-Encoding": "chunked"},
                       environ_overrides={"wsgi.input_terminated": True})


def test_chunked_body__over_the_limit__413_not_read_cut_short(maria):
    """A body sent without its length (chunked) is held to the same limit: over it 413,
    nothing stored; werkzeug alone parsed it cut at the limit (the login then said
    "Page expirée": its token was cut off)."""
    number = maria.create_dossier()
    url = maria.section_url(number, "identite")
    version = maria.version(number, "identite")
    form = {"csrf_token": maria.token(), "version": version, **IDENTITE}
    fits = urlencode(form).encode()
    saved = _chunked(maria.client, url, fits)
    assert saved.status_code == 302  # under the limit: read as usual
    owner = storage.find_account_by_email(maria.profile["email"]).id
    stored = storage.get_dossier(owner, number)
    over = urlencode({**form, "version": str(stored.version),
                      "numero": "A" * (MAX_BODY_BYTES + 1)}).encode()
    refused = _chunked(maria.client, url, over)
    assert refused.status_code == 413
    assert "Envoi trop volumineux" in refused.get_data(as_text=True)
    assert storage.get_dossier(owner, number).answers == stored.answers

"""Every dossier is read with its own definition version (issue 14, items 1 and 2).

The portal is restarted (a new app on the same database) with a version 4 of `essai`
in its forms: the city option `montreal` renamed `mtl`, the city's label changed and a
new required question. Dossiers made under version 3 keep their pages, recap, PDF and
submission as they were; a type removed from forms/ still shows its dossiers,
read-only; two portals, one started before version 4, both serve both versions.
"""

from __future__ import annotations

import difflib
import io
import os
import re
from collections.abc import Iterator

import pypdf
import pytest
from flask import Flask

import storage
from engine import Registry, convert_text
from tests.definitions import DIRECTORY, ESSAI, IDENTITE, RENDEZ_VOUS
from tests.definitions import registry as definitions_registry
from tests.web.conftest import MARIA, Applicant
from tests.web.test_documents import download_url
from web import create_app, store_of
from web.background.worker import render_pending_documents

ESSAI_TEXT = (DIRECTORY / "essai.yaml").read_text(encoding="utf-8")
NEW_QUESTION = """      - id: accompagnant
        type: yesno
        label: {fr: "Viendrez-vous accompagné ?", en: "Will someone come with you?"}

      - id: mode
"""
V4_TEXT = (ESSAI_TEXT.replace("\nversion: 3\n", "\nversion: 4\n", 1)
           .replace("{value: montreal, label:", "{value: mtl, label:", 1)
           .replace("label: {fr: Ville souhaitée, en: Desired city}",
                    "label: {fr: Ville désirée, en: City wanted}", 1)
           .replace("      - id: mode\n", NEW_QUESTION, 1))
TOKENS = re.compile(r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}")  # CSRF


def essai_registry(text: str, *, with_others: bool = True) -> Registry:
    """A fresh registry: `essai` from `text`, and the other test types."""
    result = convert_text(text, "essai.yaml")
    assert result.ok, [str(e) for e in result.errors]
    others = [c for c in definitions_registry() if c.id != ESSAI] if with_others else []
    return Registry([result.compiled, *others])


def portal_with(registry: Registry, instance_dir: str) -> Flask:
    """A portal started on the suite's database (not emptied) with these dossier types."""
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                       "INSTANCE_PATH": instance_dir, "REGISTRY": registry,
                       "DATABASE_URL": os.environ.get("DATABASE_URL") or None})


@pytest.fixture
def v3_portal(app: Flask, instance_dir: str) -> Iterator[Flask]:
    """The database emptied (the `app` fixture), then a portal started with version 3."""
    portal = portal_with(essai_registry(ESSAI_TEXT), instance_dir)
    yield portal
    store_of(portal).disconnect()


def person(portal: Flask, *, register: bool = False) -> Applicant:
    someone = Applicant(portal.test_client(), MARIA)
    response = someone.register() if register else someone.login()
    assert response.status_code == 302
    return someone


def page(someone: Applicant, url: str) -> str:
    response = someone.get(url)
    assert response.status_code == 200, url
    return TOKENS.sub("TOKEN", response.get_data(as_text=True))


def _diff(a: str, b: str) -> str:
    return "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0))


def pdf_text(someone: Applicant) -> str:
    pdf = someone.get(download_url(someone)).data
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def maria_id(number: str) -> int:
    return storage.find_account_by_email(MARIA["email"]).id


def v3_dossiers(portal: Flask) -> tuple[Applicant, str, str]:
    """Maria registered on `portal`, with a draft (city answered) and a submitted dossier."""
    maria = person(portal, register=True)
    draft = maria.create_dossier()
    assert maria.fill(draft, "rendez_vous", RENDEZ_VOUS).status_code == 302
    return maria, draft, maria.submitted_dossier()


def test_restart_with_v4__v3_draft_and_submitted__pages_recap_pdf_unchanged(
        v3_portal: Flask, instance_dir: str):
    maria, draft, submitted = v3_dossiers(v3_portal)
    urls = [maria.section_url(draft, "rendez_vous"), f"/dossiers/{draft}/recapitulatif",
            f"/dossiers/{submitted}/recapitulatif", maria.section_url(submitted, "rendez_vous")]
    before = [page(maria, url) for url in urls]

    v4 = portal_with(essai_registry(V4_TEXT), instance_dir)
    maria = person(v4)
    with store_of(v4).bound():
        assert render_pending_documents(store_of(v4).registry) == 1
    after = [page(maria, url) for url in urls]
    assert after == before, [_diff(a, b) for a, b in zip(before, after, strict=True)]
    assert 'value="montreal" selected' in before[0] and "Viendrez-vous" not in before[0]
    text = pdf_text(maria)
    assert "Ville souhaitée" in text and "Montréal" in text and "Ville désirée" not in text
    # the draft stays on version 3: it submits as it is, the new question never asked
    assert maria.fill(draft, "identite", IDENTITE).status_code == 302
    assert maria.submit(draft).status_code == 302
    with store_of(v4).bound():
        assert storage.get_dossier(maria_id(draft), draft).snapshot["definition_version"] == 3
        new = storage.create_dossier(store_of(v4).registry, maria_id(draft), ESSAI)
    assert new.definition_version == 4
    assert "Viendrez-vous accompagné" in page(maria, maria.section_url(new.number,
                                                                        "rendez_vous"))
    store_of(v4).disconnect()


def test_type_removed_from_forms__its_dossiers_named_and_readable_read_only(
        v3_portal: Flask, instance_dir: str):
    maria, draft, submitted = v3_dossiers(v3_portal)

    others = Registry([c for c in definitions_registry() if c.id != ESSAI])
    without = portal_with(others, instance_dir)
    maria = person(without)
    listing = page(maria, "/dossiers/")
    assert "Dossier d&#39;essai" in listing and f">{ESSAI}<" not in listing
    assert "Montréal" in page(maria, f"/dossiers/{submitted}/recapitulatif")
    section = page(maria, maria.section_url(draft, "rendez_vous"))
    assert "Montréal" in section and 'name="version"' not in section  # no form: read-only
    refused = maria.post(maria.section_url(draft, "identite"), {**IDENTITE, "version": "2"})
    assert refused.status_code == 302, refused.status_code
    with store_of(without).bound():
        assert "categorie" not in storage.get_dossier(maria_id(draft), draft).answers
    # SOUMETTRE from a confirmation page left open across the removal: refused, no 500
    submitting = maria.post(f"/dossiers/{draft}/soumettre", {"version": "2"})
    assert submitting.status_code == 302 and submitting.location == f"/dossiers/{draft}/"
    assert "ce dossier ne peut plus être modifié" in page(maria, maria.section_url(draft,
                                                                                  "identite"))
    maria.get("/dossiers/nouveau")
    assert maria.post("/dossiers/nouveau", {"type_id": ESSAI, "mode": "new"}).status_code == 422
    store_of(without).disconnect()


def test_two_portals_one_started_before_v4__both_serve_both_versions(
        v3_portal: Flask, instance_dir: str):
    v4 = portal_with(essai_registry(V4_TEXT), instance_dir)  # v3_portal: started before
    on_v3, on_v4 = person(v3_portal, register=True), None
    old = on_v3.create_dossier()
    on_v4 = person(v4)
    new = on_v4.create_dossier()
    for someone in (on_v3, on_v4):
        assert "Ville souhaitée" in page(someone, someone.section_url(old, "rendez_vous"))
        assert "Ville désirée" in page(someone, someone.section_url(new, "rendez_vous"))
        assert someone.fill(new, "rendez_vous", {**RENDEZ_VOUS, "ville": "mtl"}
                            ).status_code == 302
    with store_of(v3_portal).bound():
        assert storage.get_dossier(maria_id(new), new).answers["ville"] == "mtl"
    store_of(v4).disconnect()

"""Forms change while dossiers are in flight, end to end (issue 14, "What must hold").

Maria, on a portal started with version 1 of `demenagement`
(tests/definitions/migrations/v1.yaml) and with `atelier`, has two version-1 drafts,
a submitted version-1 dossier whose recap PDF is rendered, and an `atelier` draft. The
portal restarts (a new app on the same database, as after a deployment) twice:

1. with a version 2 that says `drafts: keep` (v2.yaml, keep instead of migrate) and
   without `atelier` (its file removed from forms/). Version 2 makes every kind of
   change: the option `telephone` renamed `par_telephone` and `montreal` `mtl`, the
   field `ville` renamed `ville_depart`, the question `note_ancienne` removed, a new
   required question `ascenseur`, the label of `moyen` changed, the state `en_cours`
   renamed `brouillon`, `version` bumped;
2. with a version 3 that says `drafts: migrate` (v3.yaml: one more option renamed).
   A published version is immutable, so `migrate` cannot come as another version 2: it
   comes as the next version, and the v1 draft is moved along the declared chain
   1→2→3 (version 2 declares its migration from 1 even under keep).

After each restart, through the pages and through storage: every stored answer is in
its draft or in its archive; the submitted dossier's pages (sections read-only, their
navigation, recap, confirmation) are byte-identical once CSRF tokens are masked, and
its PDF is the very stored document (the bytes downloaded are compared: it is rendered
once at submission and never again, so no creation date can differ); under keep, a
draft shows its version-1 questions, is not locked, and submits as version 1; under
migrate, the renamed values are ticked, the message is shown, the new question asked;
no recap shows a raw code; the removed type's dossiers are named, their pages 200.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

import storage
from engine import CompiledDefinition, Registry, convert_text
from tests.definitions import ATELIER, DIRECTORY
from tests.definitions import registry as owned_types
from tests.web.conftest import MARIA, Applicant
from web import create_app, store_of
from web.background.worker import render_pending_documents

MIGRATIONS = DIRECTORY / "migrations"
TYPE = "demenagement"
TOKENS = re.compile(r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}")  # CSRF
DOWNLOAD = re.compile(r'href="(/documents/[^"]+/telecharger)"')
LOCKED = "Ce dossier a été soumis"
DONE = 'class="check check--valid"'  # a section's green check in the navigation
WITHDRAWN = "Ce type de dossier n&#39;est plus proposé"
DEPART = {"ville": "montreal", "moyen": "telephone", "note_ancienne": "2e étage"}
ARRIVEE = {"etage": "3"}
ATELIER_CHOIX = {"deja_inscrit": "false", "horaire": "soir"}
# what the recap of a version-1 answer must never show: the codes themselves
RAW_CODES = (">montreal<", ">telephone<", ">mtl<", ">par_telephone<", ">en_cours<",
             ">brouillon<", f">{ATELIER}<", f">{TYPE}<", ">soir<")


# the migration tests' versions, with a recap PDF made at submission
WITH_DOCUMENT = ("      actions: [freeze_recap]\n", """\
      actions: [freeze_recap, {document: recapitulatif}]
documents:
  recapitulatif:
    title: {fr: Récapitulatif du déménagement, en: Moving summary}
    filename: "demenagement-{number}.pdf"
    sections: [depart, arrivee]
""")


def demenagement(n: int, edit: tuple[str, str] | None = None) -> CompiledDefinition:
    """Version `n` of tests/definitions/migrations/, with a recap PDF, `edit` made."""
    text = (MIGRATIONS / f"v{n}.yaml").read_text(encoding="utf-8").replace(*WITH_DOCUMENT)
    assert "{document: recapitulatif}" in text
    if edit:
        text = text.replace(*edit)
    result = convert_text(text, f"v{n}.yaml")
    assert result.ok, [str(e) for e in result.errors]
    return result.compiled


V1 = demenagement(1)
V2_KEEP = demenagement(2, ("drafts: migrate", "drafts: keep"))
V3_MIGRATE = demenagement(3)


def restart(instance_dir: str, newest: CompiledDefinition, *, with_atelier: bool) -> Flask:
    """A portal started on the suite's database (not emptied), its forms/ holding the
    test types (`atelier` only `with_atelier`) and `newest` for `demenagement`."""
    types = [c for c in owned_types() if with_atelier or c.id != ATELIER]
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                       "INSTANCE_PATH": instance_dir, "REGISTRY": Registry([*types, newest]),
                       "DATABASE_URL": os.environ.get("DATABASE_URL") or None})


@pytest.fixture
def portals(app: Flask) -> Iterator[list[Flask]]:
    """The portals a test starts (the database emptied first by `app`), disconnected after."""
    started: list[Flask] = []
    yield started
    for portal in started:
        store_of(portal).disconnect()


def page(someone: Applicant, url: str) -> str:
    response = someone.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return TOKENS.sub("TOKEN", response.get_data(as_text=True))


def diff(before: list[str], after: list[str]) -> list[str]:
    return ["\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0))
            for a, b in zip(before, after, strict=True) if a != b]


def stored(portal: Flask, number: str) -> tuple[storage.DossierView, dict[str, Any]]:
    """The dossier as stored, and its archive (field id -> value)."""
    with store_of(portal).bound():
        account = storage.find_account_by_email(MARIA["email"]).id
        dossier = storage.get_dossier(account, number)
        return dossier, {a.field_id: a.value for a in storage.archived_answers(number)}


def assert_nothing_lost(portal: Flask, number: str, before: dict[str, Any],
                        renamed: dict[str, str] | None = None) -> None:
    """Every answer the dossier held (`before`) is in it now (its field renamed as
    declared) or in its archive."""
    dossier, archive = stored(portal, number)
    for field_id in before:
        now = (renamed or {}).get(field_id, field_id)
        assert now in dossier.answers or field_id in archive, (number, field_id)


def assert_no_raw_code(recap: str) -> None:
    assert "Réponse à revoir" not in recap
    for code in RAW_CODES:
        assert code not in recap, code


def submitted_pages(someone: Applicant, number: str) -> list[str]:
    return [page(someone, url) for url in (
        someone.section_url(number, "depart"), someone.section_url(number, "arrivee"),
        f"/dossiers/{number}/recapitulatif", f"/dossiers/{number}/soumis")]


def test_v2_keep_then_v3_migrate__nothing_lost_submitted_unchanged_drafts_kept_then_moved(
        portals: list[Flask], instance_dir: str):
    # --- version 1
    portals.append(restart(instance_dir, V1, with_atelier=True))
    maria = Applicant(portals[-1].test_client(), MARIA)
    assert maria.register().status_code == 302
    kept, moved, submitted = (maria.create_dossier(TYPE) for _ in range(3))
    for number in (kept, moved, submitted):
        assert maria.fill(number, "depart", DEPART).status_code == 302
        assert maria.fill(number, "arrivee", ARRIVEE).status_code == 302
    assert maria.submit(submitted).status_code == 302
    removed = maria.create_dossier(ATELIER)
    assert maria.fill(removed, "choix", ATELIER_CHOIX).status_code == 302
    with store_of(portals[-1]).bound():
        assert render_pending_documents(store_of(portals[-1]).registry) == 1
    pdf_url = DOWNLOAD.search(page(maria, "/documents/")).group(1)
    pdf = maria.get(pdf_url).data
    assert pdf.startswith(b"%PDF")
    pages_v1 = submitted_pages(maria, submitted)
    assert "Montréal" in pages_v1[0] and LOCKED in pages_v1[0]
    answers_v1 = {n: stored(portals[-1], n)[0].answers for n in (kept, moved, removed)}

    # --- version 2, drafts: keep; atelier's file removed
    portals.append(restart(instance_dir, V2_KEEP, with_atelier=False))
    maria = Applicant(portals[-1].test_client(), MARIA)
    assert maria.login().status_code == 302
    assert diff(pages_v1, submitted_pages(maria, submitted)) == []
    assert maria.get(pdf_url).data == pdf
    listing = page(maria, "/dossiers/")
    assert "Inscription à un atelier" in listing and "Déménagement" in listing
    assert f">{ATELIER}<" not in listing and f">{TYPE}<" not in listing
    assert ">en_cours<" not in listing and ">brouillon<" not in listing
    for number in (kept, moved):
        html = page(maria, maria.section_url(number, "depart"))
        assert LOCKED not in html and 'name="version"' in html  # still a form
        assert html.count(DONE) == 2  # both sections complete by version 1's rules
        assert 'value="montreal" selected' in html and 'name="note_ancienne"' in html
        assert "Moyen de contact" in html and "Comment vous joindre" not in html
        assert "ascenseur" not in page(maria, maria.section_url(number, "arrivee"))
        assert_no_raw_code(page(maria, f"/dossiers/{number}/recapitulatif"))
        assert stored(portals[-1], number)[0].answers == answers_v1[number]
    assert_no_raw_code(page(maria, f"/dossiers/{removed}/recapitulatif"))
    section = page(maria, maria.section_url(removed, "choix"))  # read-only, never submitted
    assert "Horaire souhaité" in section and 'name="version"' not in section
    assert LOCKED not in section and WITHDRAWN in section
    maria.post(maria.section_url(removed, "choix"), {**ATELIER_CHOIX, "version": "2"})
    assert LOCKED not in page(maria, maria.section_url(removed, "choix"))  # nor refused so
    # saving a section under v2 keeps the v1 draft whole: its other answers stay
    assert maria.fill(kept, "arrivee", {"etage": "4"}).status_code == 302
    assert stored(portals[-1], kept)[0].answers == {**answers_v1[kept], "etage": "4"}
    assert maria.submit(kept).status_code == 302
    dossier, _ = stored(portals[-1], kept)
    assert dossier.snapshot["definition_version"] == 1 and dossier.definition_version == 1
    assert dossier.snapshot["definition_hash"] == V1.source_hash
    assert_nothing_lost(portals[-1], kept, answers_v1[kept])

    # --- version 3, drafts: migrate (the chain 1→2→3)
    portals.append(restart(instance_dir, V3_MIGRATE, with_atelier=False))
    maria = Applicant(portals[-1].test_client(), MARIA)
    assert maria.login().status_code == 302
    assert diff(pages_v1, submitted_pages(maria, submitted)) == []
    assert maria.get(pdf_url).data == pdf
    html = page(maria, maria.section_url(moved, "depart"))
    assert LOCKED not in html
    assert 'value="mtl" selected' in html
    assert re.search(r'value="par_telephone"[^>]*checked', html), html
    assert "Nous avons mis à jour le formulaire de déménagement." in html
    assert "Y a-t-il un ascenseur ?" in html  # listed in the message
    assert 'name="ascenseur"' in page(maria, maria.section_url(moved, "arrivee"))
    assert html.count(DONE) == 1  # Arrivée now needs an answer: its check is gone
    assert_no_raw_code(page(maria, f"/dossiers/{moved}/recapitulatif"))
    dossier, archive = stored(portals[-1], moved)
    assert dossier.definition_version == 3 and dossier.status == "brouillon"
    assert archive == {"note_ancienne": "2e étage"}
    assert_nothing_lost(portals[-1], moved, answers_v1[moved], {"ville": "ville_depart"})
    assert maria.fill(moved, "arrivee", {**ARRIVEE, "ascenseur": "true"}).status_code == 302
    assert maria.submit(moved).status_code == 302
    assert stored(portals[-1], moved)[0].snapshot["definition_version"] == 3
    assert_nothing_lost(portals[-1], moved, answers_v1[moved], {"ville": "ville_depart"})
    listing = page(maria, "/dossiers/")
    assert "Inscription à un atelier" in listing and f">{ATELIER}<" not in listing
    assert_no_raw_code(page(maria, f"/dossiers/{removed}/recapitulatif"))
    assert_nothing_lost(portals[-1], removed, answers_v1[removed])
    for number in (kept, submitted):
        assert_no_raw_code(page(maria, f"/dossiers/{number}/recapitulatif"))

"""Dossiers as the applicant sees them: type title, status label, dates; no HTML here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import storage
from engine import CompiledDefinition, Registry
from engine.workflow import is_editable, state_label
from web.i18n import fmt_date, localize
from web.registry import editable


@dataclass(frozen=True)
class DossierRow:
    """One line of Mes dossiers, every value a display string: number, the type's
    title, the submission date and time ("" for a draft), the status label, the
    deadline (YYYY-MM-DD), whether the dossier can still be edited, and how many of the
    messages about it are unread with the address that shows them (`unread`,
    `messages_href`: the message itself when only one is). Guide: "Numéro du dossier,
    Type de dossier, Date de soumission, Statut du dossier, Message"; a draft also
    shows its "Date limite pour soumettre"."""

    number: str
    type_title: str
    submitted_at: str
    status: str
    deadline: str
    editable: bool
    unread: int = 0
    messages_href: str = ""


@dataclass(frozen=True)
class DossierHeader:
    """The header of a dossier page: who, which dossier, where it stands.

    Display strings in the current language: the applicant's `name`, the `status`
    label, `deadline` YYYY-MM-DD, `submitted_at` "YYYY-MM-DD HH:MM" in the service's
    zone ("" for a draft), the type's `type_title`, `description` (its title when it
    has none) and `intro`; `editable`: whether the form still accepts changes;
    `correction`: the reason an agent gave when sending the dossier back to be corrected
    ("" when it does not wait for a correction).
    """

    name: str
    number: str
    status: str
    deadline: str
    editable: bool
    type_title: str
    description: str
    intro: str
    submitted_at: str
    correction: str = ""


def _deadline(value: date | None) -> str:
    return value.isoformat() if value else ""


def dossier_row(reg: Registry, d: Any) -> DossierRow:
    """The list's line for `d` (a storage.DossierView), in the current language, by the
    definition version it is pinned to: a type removed from forms/ is named by its
    published definition, read-only (by its id only if no version of it is found)."""
    try:
        compiled = storage.definition_of(reg, d.type_id, d.definition_version)
    except storage.NotFound:
        return DossierRow(d.number, d.type_id, fmt_date(d.submitted_at), d.status,
                          _deadline(d.deadline), False)
    definition = compiled.definition
    return DossierRow(d.number, localize(definition.title), fmt_date(d.submitted_at),
                      localize(state_label(definition, d.status)), _deadline(d.deadline),
                      storage.is_current(reg, d.type_id) and is_editable(definition, d.status))


def dossier_header(compiled: CompiledDefinition, d: Any, name: str,
                   changeable: bool | None = None) -> DossierHeader:
    """The header of every page of dossier `d` (a storage.DossierView, or any object
    with its number, status, deadline and submitted_at) of type `compiled`, for the
    applicant `name`, in the current language; `changeable`: whether the form accepts
    changes (None: asked of the registry and the workflow, `web.registry.editable`).
    Guide: a draft shows the name, number, status "Inscription en cours" and "Date
    limite pour soumettre"; a submitted one its status "Présenté" and submission date
    and time."""
    definition = compiled.definition
    submitted: datetime | None = d.submitted_at
    return DossierHeader(
        name=name, number=d.number,
        status=localize(state_label(definition, d.status)), deadline=_deadline(d.deadline),
        editable=editable(compiled, d) if changeable is None else changeable,
        type_title=localize(definition.title),
        description=localize(definition.description) or localize(definition.title),
        intro=localize(definition.intro), submitted_at=fmt_date(submitted))


def correction_for(account: int, d: Any, changeable: bool) -> str:
    """The reason an agent gave when sending dossier `d` (account `account`'s) back to
    be corrected, while it waits for that correction: it was submitted and is
    `changeable` again; "" otherwise. The section pages' header and the API's dossier
    both show it."""
    if changeable and d.submitted_at is not None:
        return storage.correction_request(account, d.number) or ""
    return ""


def unread_by_dossier(account_id: int) -> dict[str, list[str]]:
    """Dossier number -> the public ids of the account's unread messages about it,
    newest first (Mes dossiers' "Message" column, on the page and in the API)."""
    unread: dict[str, list[str]] = {}
    for m in storage.list_messages(account_id):
        if m.read_at is None and m.dossier_number:
            unread.setdefault(m.dossier_number, []).append(m.public_id)
    return unread

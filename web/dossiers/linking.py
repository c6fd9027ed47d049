"""Identifier mon dossier's one attempt, shared by the page (web/dossiers/views.py link)
and the API (POST /api/v1/dossiers/link): the same limits, counted the same way, and
the same single refusal.

Searches are limited per account and per dossier number (the "link" rule), and, more
loosely, per address ("link_address": an integration office may share one), counted
before the search, so the sixth quick try is refused even with the right number:
numbers cannot be guessed by trying, and one number cannot be tried from many
accounts, whichever door (page or API) the tries come through. Every refusal of the
link itself (unknown number, another type, already linked, identity differs) is the
one NOT_FOUND answer. Guide: "un message d'erreur s'affichera, vous indiquant que votre
dossier n'a pas été trouvé".
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

import storage
from web.http.limits import Refusal, limits
from web.i18n import N_

NOT_FOUND = N_("Votre dossier n'a pas été trouvé. Vérifiez le numéro de dossier et les "
               "renseignements de votre profil, ou communiquez avec votre agente ou agent "
               "d'aide à l'intégration.")


@dataclass(frozen=True)
class LinkOutcome:
    """One attempt's result: `dossier` (storage.DossierView) linked; or `refusal` (too
    many attempts: nothing searched, retry after `refusal.retry_after` seconds); or
    neither: not found (say NOT_FOUND)."""

    dossier: storage.DossierView | None = None
    refusal: Refusal | None = None


def normal_number(number: str) -> str:
    """A typed dossier number as searched: spaces around removed, upper-cased."""
    return (number or "").strip().upper()


def link_attempt(account: int, type_id: str, number: str) -> LinkOutcome:
    """Count one attempt of account `account` against the link limits (account, number,
    the request's address), then, if allowed, link dossier `number` of type `type_id`
    (storage.link_existing). `number` as `normal_number` makes it; `type_id` a type of
    the registry (the caller checks)."""
    refusal = limits().attempt(("link", f"account:{account}"),
                               ("link", f"number:{number[:40]}"),
                               ("link_address", f"ip:{request.remote_addr}")).refusal
    if refusal is not None:
        return LinkOutcome(refusal=refusal)
    try:
        return LinkOutcome(dossier=storage.link_existing(account, type_id, number))
    except storage.LinkRefused:
        return LinkOutcome()

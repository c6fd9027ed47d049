"""Identifier mon dossier's one attempt, shared by the page (web/dossiers/views.py link)
and the API (POST /api/v1/dossiers/link): the same limits, counted the same way, and
the same single refusal.

Searches are limited per account (the "link" rule: quick tries, whatever the number),
per account and number ("link_number": one account cannot keep trying one number day
after day) and, more loosely, per address ("link_address": an integration office may
share one), counted before the search, so the sixth quick try is refused even with the
right number, whichever door (page or API) the tries come through. No count is kept
per number alone: it would be a lock that anyone's failures put on someone else's
number (five wrong tries every fifteen minutes from any account kept the rightful
owner out for ever); what one account, or one address, may try is bounded instead, and
the identity searched must match too (docs/security.md says why that is enough). Every
refusal of the link itself (unknown number, another type, already linked, identity
differs) is the one NOT_FOUND answer. Guide: "un message d'erreur s'affichera, vous
indiquant que votre dossier n'a pas été trouvé".
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
    """Count one attempt of account `account` against the link limits (the account, the
    account and number, the request's address), then, if allowed, link dossier `number`
    of type `type_id` (storage.link_existing). `number` as `normal_number` makes it;
    `type_id` a type of the registry (the caller checks)."""
    refusal = limits().attempt(("link", f"account:{account}"),
                               ("link_number", f"account:{account}:number:{number[:40]}"),
                               ("link_address", f"ip:{request.remote_addr}")).refusal
    if refusal is not None:
        return LinkOutcome(refusal=refusal)
    try:
        return LinkOutcome(dossier=storage.link_existing(account, type_id, number))
    except storage.LinkRefused:
        return LinkOutcome()

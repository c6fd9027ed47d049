"""The dossier lifecycle as the web layer (and later an API) calls it.

Each function is one transaction. The engine decides (eligibility, what is
kept, editable states, deadlines); these functions read and write rows.
"""

from __future__ import annotations

import re
from dataclasses import asdict, replace
from datetime import date
from typing import Any

from pony.orm import desc, flush

from engine import Registry
from engine.formdata import merged_answers
from engine.load import plain
from engine.model import Text
from engine.validate import clean
from engine.workflow import deadline_for, eligibility_failures, is_editable
from storage.accounts.account import load_account
from storage.clock import clock, to_db
from storage.definitions import pinned_or_none, pinned_to_change
from storage.dossiers import audit
from storage.dossiers.answers_only import answers_only, store_answers
from storage.dossiers.archive import store_cleaned
from storage.dossiers.expiry import expire_if_overdue, expire_overdue
from storage.dossiers.identity import same_person
from storage.dossiers.kept_answers import drop_kept_answers
from storage.dossiers.migration import migrate_draft
from storage.dossiers.numbering import allocate_number, claim_number
from storage.dossiers.registry import default_registry
from storage.dossiers.search_words import index_names
from storage.dossiers.submission import submit
from storage.errors import Conflict, LinkRefused, Locked, NotEligible, NotFound
from storage.orm.db import database
from storage.orm.rows import compiled_for, dossier_view, owned_dossier
from storage.orm.transactions import transaction
from storage.views import SEXES, DossierView

# The message an account gets when a dossier is linked to it ({number}, {linked_at}).
LINK_MESSAGE_SUBJECT = Text(fr="Dossier {number} lié à votre compte",
                            en="File {number} linked to your account")
LINK_MESSAGE_BODY = Text(
    fr="Le dossier {number} a été lié à votre compte le {linked_at} (heure de l'Est) avec "
       "« Identifier mon dossier ». Si vous n'êtes pas à l'origine de cette opération, "
       "communiquez sans tarder avec votre agente ou agent d'aide à l'intégration.",
    en="File {number} was linked to your account on {linked_at} (Eastern time) with "
       "\"Identify my file\". If you did not do this, contact your integration support "
       "agent without delay.")

__all__ = [
    "create_dossier", "expire_overdue", "get_dossier", "link_existing", "list_dossiers",
    "register_existing", "save_section", "submit",
]


@transaction(write=True)
def create_dossier(registry: Registry, account_id: int, type_id: str) -> DossierView:
    """A new draft of `type_id` for the account, in the definition's initial state.

    Its number is allocated now (unique under concurrency), its deadline is today (in
    the service's zone) plus the definition's deadline_days, and the profile's
    identity (names, sex, birth date) is copied onto it. Raises NotEligible (nothing
    created) when the profile fails the type's eligibility rules, NotFound for a type
    `registry` lacks or an unknown account. Guide: at least 18 years old; number
    G + year + 8 digits; deadline = creation + 90 days (created 2022-07-11: 2022-10-09).
    """
    compiled = compiled_for(registry, type_id)
    d = compiled.definition
    account = load_account(account_id)
    today = clock.today()
    failures = eligibility_failures(d, account.birth_date, today)
    if failures:
        raise NotEligible(failures)
    now = to_db(clock.now())
    dossier = database().Dossier(
        number=allocate_number(d.numbering, today), type_id=d.id,
        definition_version=d.version, status=d.workflow.initial, answers={},
        created_at=now, status_changed_at=now, deadline=deadline_for(d, today), owner=account,
        given_names=account.given_names, family_names=account.family_names,
        sex=account.sex, birth_date=account.birth_date,
    )
    audit.record(audit.account_actor(account_id), "create", dossier)
    flush()
    index_names(dossier)
    return dossier_view(dossier)


@transaction(write=False)
def list_dossiers(account_id: int, registry: Registry | None = None) -> list[DossierView]:
    """The account's dossiers, newest first (by creation); overdue drafts show as
    expired (their deadline transition is taken on the way). `registry`: None for the
    current store's. Guide: Mes dossiers (number, type, submission date, status)."""
    orm = database()
    registry = registry or default_registry()
    query = orm.Dossier.select(lambda d: d.owner.id == account_id)
    dossiers = list(query.order_by(desc(orm.Dossier.created_at), desc(orm.Dossier.id)))
    today = clock.today()
    for dossier in dossiers:
        expire_if_overdue(pinned_or_none(registry, dossier), dossier, today)
    return [dossier_view(d) for d in dossiers]


@transaction(write=False)
def get_dossier(account_id: int, number: str, registry: Registry | None = None) -> DossierView:
    """One of the account's dossiers (NotFound otherwise, the same for "not yours" and
    "no such number"), expired first if overdue. `number` is stripped; `registry`:
    None for the current store's."""
    dossier = owned_dossier(account_id, number)
    expire_if_overdue(pinned_or_none(registry or default_registry(), dossier), dossier)
    return dossier_view(dossier)


def _applied(compiled: Any, dossier: Any, section: Any, answers: dict[str, Any]) -> bool:
    """Whether saving `answers` (one section's, raw) would leave the stored dossier as
    it is: the same save was already made."""
    current = plain(dossier.answers)
    return clean(compiled, merged_answers(section, current, answers)) == current


def save_section(registry: Registry, account_id: int, number: str, section_id: str,
                 answers: dict[str, Any], version: int, *, kept_aside: bool = True,
                 seen: DossierView | None = None) -> DossierView:
    """Keep one section's answers as a draft (valid or not).

    `answers` are the section's raw answers (field id -> str, bool or list[str], as
    engine.formdata reads a form); keys absent keep their stored value, None or ""
    clear it, keys of other sections are ignored. The merged whole is cleaned by the
    engine, so answers to questions now hidden (anywhere) leave it: they are moved to the
    dossier's archive (storage.archived_answers), with any stored answer holding a choice
    no longer offered that this save replaces or clears. `version`: the
    dossier version the answers were typed on. Returns the dossier, its version + 1.

    Locked when the state is not editable (or the deadline passed); Conflict when
    `version` is stale, with both versions, so the other tab's work and this one's
    survive, except when the stored dossier is this very save done once already
    (`version` + 1, and these answers change nothing: a double click), which is
    returned unchanged; NotFound for another account's dossier or an unknown section. Guide:
    ENREGISTRER keeps a draft, valid or not; a submitted dossier can no longer change.
    Answers kept aside for the section (storage.keep_answers) are deleted by the save;
    `kept_aside=False` says the caller's read of this dossier found none for the account
    (storage.visit's or storage.token_visit's `kept`), so the save does not look for them
    (one query less per save; should some be kept aside in between, by a page posted
    from an ended session, they stay offered to the applicant, who chooses).
    A draft on an older version whose type says `drafts: migrate` is migrated first
    (storage.open_draft), and the answers posted from its older page renamed alike; the
    view returned then carries the migration's notice (`DossierView.migration`).
    `seen`: the dossier as the caller read it (any version): when the save would only
    replace its answers, they are worked out from it and written only if the dossier
    is still at that version (storage/dossiers/answers_only.py), else the save
    goes the whole way, which loads and locks the row.
    """
    if seen is not None and not kept_aside and seen.number == number.strip() \
            and seen.owner_id == account_id:
        stored = answers_only(registry, seen, section_id, answers, version)
        if stored is not None and store_answers(seen.id, account_id, version, stored):
            return replace(seen, answers=stored, version=version + 1)
    return _save_section(registry, account_id, number, section_id, answers, version,
                         kept_aside=kept_aside)


@transaction(write=True)
def _save_section(registry: Registry, account_id: int, number: str, section_id: str,
                  answers: dict[str, Any], version: int, *, kept_aside: bool) -> DossierView:
    """`save_section`'s whole path, in one write transaction: the row loaded and locked."""
    dossier = owned_dossier(account_id, number, for_update=True)
    before = dossier.version
    older_page = version == before  # if the draft migrates, posted from its older page
    moved = migrate_draft(registry, dossier, audit.account_actor(account_id),
                          posted=answers if older_page else None)
    if moved is not None and moved.posted is not None:
        answers, version = moved.posted, dossier.version
    compiled = pinned_to_change(registry, dossier)
    section = compiled.definition.section(section_id)
    if section is None:
        raise NotFound(f"section {section_id} of {dossier.type_id}")
    expire_if_overdue(compiled, dossier)
    if not is_editable(compiled.definition, dossier.status):
        raise Locked(dossier.status)
    if dossier.version != version:
        if dossier.version == version + 1 and _applied(compiled, dossier, section, answers):
            return dossier_view(dossier)  # the same save, sent twice: already done
        raise Conflict(mine=plain(answers), theirs=plain(dossier.answers),
                       version=dossier.version)
    stored = plain(dossier.answers)
    merged = merged_answers(section, stored, answers)
    cleaned = clean(compiled, merged)
    if kept_aside:
        drop_kept_answers(dossier, section_id)  # superseded, even by the same answers
    if moved is None and cleaned == stored:
        return dossier_view(dossier)  # nothing changes: no new version, nothing to refuse
    store_cleaned(compiled, dossier, merged, audit.account_actor(account_id), cleaned)
    dossier.version += 1
    saved = dossier_view(dossier)
    told = moved is not None and moved.notice is not None
    return replace(saved, migration=asdict(moved.notice)) if told else saved


@transaction(write=True)
def register_existing(registry: Registry, type_id: str, number: str, given_names: str,
                      family_names: str, sex: str, birth_date: date, *,
                      status: str | None = None, actor: str = audit.AGENT,
                      address: str | None = None) -> DossierView:
    """An agent records a dossier opened elsewhere, with no owner yet, so its applicant
    can link it by number and identity. Its state defaults to the initial one.

    `number` is upper-cased and must match the type's numbering; `sex`: F, M or X;
    `actor`: who is recorded in the audit, `address`: from which client IP address
    (None: not at a browser). ValueError for a malformed number, a bad
    sex, empty names, an unknown `status` or a number that exists; NotFound for a
    type `registry` lacks.
    """
    compiled = compiled_for(registry, type_id)
    d = compiled.definition
    number = number.strip().upper()
    if not re.fullmatch(d.numbering.regex, number):
        raise ValueError(f"{number!r} is not a {type_id} number ({d.numbering.regex})")
    sex = sex.strip().upper()
    if sex not in SEXES:
        raise ValueError(f"sex must be one of {', '.join(SEXES)}, not {sex!r}")
    if not given_names.strip() or not family_names.strip():
        raise ValueError("a registered dossier needs the given and family names")
    status = status or d.workflow.initial
    if status not in d.workflow.states:
        raise ValueError(f"{type_id} has no state {status!r}")
    orm = database()
    if not claim_number(number):
        raise ValueError(f"dossier {number} already exists")
    today, now = clock.today(), to_db(clock.now())
    dossier = orm.Dossier(
        number=number, type_id=type_id, definition_version=d.version, status=status,
        answers={}, created_at=now, status_changed_at=now, deadline=deadline_for(d, today),
        owner=None, given_names=given_names.strip(), family_names=family_names.strip(),
        sex=sex, birth_date=birth_date,
    )
    audit.record(actor, "register", dossier, address=address)
    flush()
    index_names(dossier)
    return dossier_view(dossier)


@transaction(write=True)
def link_existing(account_id: int, type_id: str, number: str) -> DossierView:
    """Give a registered dossier to the account whose profile names the same person
    (identity.fold: ignoring case, accents, spaces, apostrophe and dash variants,
    ø/o, ß/ss...). Every failure is the same LinkRefused.

    `number` is stripped and upper-cased. Refused alike: an unknown number, another
    type, a dossier already linked, an identity that differs. Guide: "Identifier mon
    dossier" answers only that the dossier was not found ("Votre dossier n'a pas été
    trouvé"), never which part was wrong. A dossier linked once is never linked again
    (its owner is set). The link is audited ({"number": ...}) and the account gets a
    message in its message centre (LINK_MESSAGE_*, in its language) saying which
    dossier was linked and when, and whom to call if it was not the applicant.
    """
    account = load_account(account_id)
    number = (number or "").strip().upper()
    dossier = database().Dossier.get_for_update(number=number) if number else None
    if (dossier is None or dossier.type_id != type_id or dossier.owner is not None
            or not same_person(account.given_names, account.family_names, account.sex,
                               account.birth_date, dossier)):
        raise LinkRefused()
    dossier.owner = account
    dossier.version += 1
    index_names(dossier)  # found by the owner's spelling of the names too
    audit.record(audit.account_actor(account_id), "link", dossier, {"number": number})
    now = clock.now()
    values = {"number": number, "linked_at": clock.local(now).strftime("%Y-%m-%d %H:%M")}
    database().Message(account=account, dossier=dossier,
                       subject=LINK_MESSAGE_SUBJECT.filled(**values).get(account.lang),
                       body=LINK_MESSAGE_BODY.filled(**values).get(account.lang),
                       created_at=to_db(now))
    return dossier_view(dossier)

"""Answers kept aside: what a section posted after its session had ended, never saved.

A session that expired (idle or too old) or was logged out in another tab may not
write to a dossier, yet what the applicant typed must not be lost (issue #13 item 8).
The web layer keeps the posted section's answers here, server-side, for the account
that owns the dossier (never in the session cookie, which is signed but readable), and
offers them back on the section after the next login. They reach the dossier only when
the applicant saves the section (`save_section` then deletes them, in its transaction),
and go when discarded or after KEPT_DAYS.

A page left open while its draft moved to a newer version of its form (a `drafts:
migrate` deploy, the draft opened in another tab) posts answers in the older version's
terms, which may not be saved as they are: they are kept here too (`FORM_UPDATED`),
renamed as the migrations renamed the stored ones, and offered on the page of the
newer version, with their own words.

One row per (account, dossier, section): a newer post replaces the older.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from engine import Registry
from engine.load import plain
from engine.validate import normalize
from engine.workflow import is_editable
from storage.clock import clock, to_db
from storage.definitions import pinned_to_change
from storage.dossiers.migration import in_version, is_typed
from storage.errors import Locked, NotFound
from storage.orm.db import database
from storage.orm.rows import owned_dossier, storable_number
from storage.orm.transactions import transaction
from storage.views import KeptAside

KEPT_DAYS = 7  # answers kept aside longer than this are forgotten
# why answers were kept aside (the page words its notice by it)
SESSION_ENDED = "session_ended"  # posted after the session had ended
FORM_UPDATED = "form_updated"  # typed on a page of a version the draft has left since


def _oldest_kept() -> Any:
    """The creation time (as stored) before which kept answers are forgotten."""
    return to_db(clock.now() - timedelta(days=KEPT_DAYS))


def _same(kept: dict[str, Any], stored: dict[str, Any]) -> bool:
    """Whether every kept answer is the stored one (an empty answer and none alike)."""
    return all(value == stored.get(key) or not (is_typed(value) or is_typed(stored.get(key)))
               for key, value in kept.items())


@transaction(write=True)
def keep_answers(registry: Registry, account_id: int, number: str, section_id: str,
                 answers: dict[str, Any], *, drawn_version: int | None = None,
                 reason: str = SESSION_ENDED) -> bool:
    """Keep `answers` (one section's raw answers, field id -> str, bool or list[str], as
    engine.formdata reads a form; keys of other sections are dropped, each answer made
    storable by engine.validate.normalize, as a save does) aside for
    `account_id`, in place of any kept before for that section; the dossier is not
    touched (its answers and version stay). Also forgets every row older than KEPT_DAYS.
    `drawn_version`: the definition version of the page they were typed on, when older
    than the dossier's now: renamed first as the migrations between them rename
    (storage.dossiers.migration.in_version). `reason`: SESSION_ENDED, or FORM_UPDATED,
    for which answers all equal to the stored ones are not kept (nothing was typed).

    True when kept. NotFound when the dossier is not the account's or the section is
    unknown; Locked when the dossier is no longer editable (nothing to offer back)."""
    orm = database()
    oldest = _oldest_kept()
    orm.KeptAnswers.select(lambda k: k.created_at < oldest).delete(bulk=True)
    dossier = owned_dossier(account_id, number, for_update=True)  # one keeper at a time
    compiled = pinned_to_change(registry, dossier)
    section = compiled.definition.section(section_id)
    if section is None:
        raise NotFound(f"section {section_id} of {dossier.type_id}")
    if not is_editable(compiled.definition, dossier.status):
        raise Locked(dossier.status)
    answers = plain(answers)
    if drawn_version is not None:
        answers = in_version(registry, dossier.type_id, drawn_version, compiled, answers)
    fields = {f.id: f for f in section.fields}  # made storable as a save would (no NUL)
    kept = {k: normalize(fields[k], v) for k, v in answers.items() if k in fields}
    if reason == FORM_UPDATED and _same(kept, plain(dossier.answers)):
        return False
    row = orm.KeptAnswers.get(account=dossier.owner, dossier=dossier, section_id=section_id)
    if row is None:
        orm.KeptAnswers(account=dossier.owner, dossier=dossier, section_id=section_id,
                        answers=kept, created_at=to_db(clock.now()), reason=reason)
    else:
        row.answers, row.created_at, row.reason = kept, to_db(clock.now()), reason
    return True


def _rows(account_id: int, number: str, section_id: str) -> Any:
    number = (number or "").strip()
    if not storable_number(number) or not isinstance(section_id, str):
        return []
    return database().KeptAnswers.select(
        lambda k: k.account.id == account_id and k.dossier.number == number
        and k.section_id == section_id)


@transaction(write=False)
def kept_aside(account_id: int, number: str, section_id: str) -> KeptAside | None:
    """The answers kept aside for `account_id` in that dossier's section and why, or
    None when there are none (or they are older than KEPT_DAYS). Only ever the
    account's own: the row is found by the account id."""
    oldest = _oldest_kept()
    for row in _rows(account_id, number, section_id):
        if row.created_at >= oldest:
            return KeptAside(plain(row.answers), row.reason)
    return None


def kept_answers(account_id: int, number: str, section_id: str) -> dict[str, Any] | None:
    """The answers of `kept_aside` (field id -> value, as posted), or None."""
    kept = kept_aside(account_id, number, section_id)
    return None if kept is None else kept.answers


@transaction(write=True)
def discard_kept_answers(account_id: int, number: str, section_id: str) -> bool:
    """Forget the answers kept aside for `account_id` in that dossier's section (the
    applicant chose "Ignorer ces réponses"). True when there were some."""
    rows = list(_rows(account_id, number, section_id))
    for row in rows:
        row.delete()
    return bool(rows)


def drop_kept_answers(dossier: Any, section_id: str) -> None:
    """Inside a save of the section (storage.save_section): the answers kept aside for
    it are superseded by what was just saved. `dossier`: the Dossier entity. Found by
    the row's unique key, which Pony looks up without building a query (every save runs
    this, and almost never finds a row: 30-50 µs less per save, bench/NOTES.md)."""
    row = database().KeptAnswers.get(account=dossier.owner, dossier=dossier,
                                     section_id=section_id)
    if row is not None:
        row.delete()

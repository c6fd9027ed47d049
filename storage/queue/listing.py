"""The agents' queue, one page at a time.

A page is read with keyset pagination: dossiers in id order (creation order, and so
deadline order: a deadline is its dossier's creation day plus the type's days), the
next page starting after the last id shown. Never OFFSET (a deep page would read
every row before it), never a count of the matching rows (the counts by type and
state are kept apart: storage/queue/counts.py). The statement is plain SQL so that
what reaches the database is exactly an index range: (type_id, status, id) for a
state, the primary key otherwise, the words' index for a name, the number's unique
index for a number (storage/orm/queue_schema.py makes them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storage.clock import from_db
from storage.dossiers.search_words import prefix_range, words_of
from storage.orm.db import database, dialect
from storage.orm.entities import ROW_ID_MAX
from storage.orm.queue_schema import UNSEEN_REPLY
from storage.orm.transactions import transaction

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
UNSEEN = "m." + UNSEEN_REPLY  # a message `m`: an applicant's reply no agent has seen


@dataclass(frozen=True)
class QueueRow:
    """One dossier of the queue: `name` the owner's given and family names (the
    registered ones while no applicant has linked it), `submitted_at` aware UTC or
    None for a draft, `deadline` the last day to submit (service's zone),
    `assigned_to` the assigned agent's name or None, `new_replies` how many of the
    applicant's replies no agent has seen (opened the dossier since they came)."""

    number: str
    type_id: str
    state: str
    name: str
    submitted_at: datetime | None
    deadline: date
    assigned_to: str | None
    new_replies: int = 0


@dataclass(frozen=True)
class QueuePage:
    """Up to `limit` rows in id order, and `next`: the cursor to pass as `after` for
    the following page (an opaque string), None on the last page."""

    rows: tuple[QueueRow, ...]
    next: str | None


def _cursor(after: str | None) -> int:
    """The last id of the previous page; 0 (the first page) for None or a cursor that
    was not made here (a hand-edited address)."""
    try:
        value = int(after or "0", 36)
    except ValueError:
        return 0
    return value if 0 <= value <= ROW_ID_MAX else 0


def cursor_after(last_id: int) -> str:
    """The cursor of a page ending at dossier id `last_id` (>= 0): base 36, opaque on
    purpose, so no one reads it as a count of dossiers."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        last_id, digit = divmod(last_id, 36)
        text = digits[digit] + text
        if last_id == 0:
            return text


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    return from_db(value if isinstance(value, datetime) else datetime.fromisoformat(value))


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _name(*parts: Any) -> str:
    return " ".join(str(p).strip() for p in parts if p and str(p).strip())


@transaction(write=False)
def agent_queue(types: Sequence[str], *, type_id: str | None = None, state: str | None = None,
                assigned_to: int | None = None, unassigned: bool = False,
                deadline_before: date | None = None, search: str | None = None,
                after: str | None = None, limit: int = PAGE_SIZE,
                number_prefixes: Sequence[str] = (), new_replies: bool = False) -> QueuePage:
    """One page of the dossiers an agent granted `types` may see.

    Without `state`, the submitted dossiers (submitted at least once: a dossier sent
    back for correction stays listed), or, for a number search or `new_replies`, every
    dossier (an agent typing a dossier's number finds it whatever its state: one
    registered and not yet submitted too); with `state`, every dossier in that state,
    drafts included. `new_replies`: only the dossiers with a reply of their applicant
    no agent has seen (QueueRow.new_replies).
    `type_id` narrows to one type (nothing if not in `types`);
    `assigned_to` an agent id: the dossiers assigned to that agent; `unassigned`: those
    assigned to no one; `deadline_before`: deadline on or before that day. `search`
    (stripped; ignored when empty): text holding a digit is a dossier number, matched
    exactly or by its start, case, spaces, dashes and dots ignored; typed without its
    prefix (it starts with a digit), also as the start of the number after one of
    `number_prefixes` (the granted types' prefixes, e.g. "G": "2619" finds
    G2619014023); other text is names:
    every word typed must start a word of the owner's or registered names
    (storage/dossiers/search_words.py: case, accents, apostrophes and dashes ignored).
    Text with neither (only punctuation such as "%", "_" or "'") matches nothing: it
    is never read as a wildcard nor as "no search". `after`: the `next` of the previous page.
    `limit`: rows per page, 1..MAX_PAGE_SIZE (ValueError otherwise).
    """
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE}, not {limit}")
    granted = [t for t in dict.fromkeys(types) if type_id is None or t == type_id]
    if not granted:
        return QueuePage((), None)
    params: dict[str, Any] = {f"t{i}": t for i, t in enumerate(granted)}
    text = (search or "").strip()
    number = any(c.isdigit() for c in text)
    if number:  # "G 2100 000017", "G-2100000017": a number written with separators
        text = re.sub(r"[\s\-.]", "", text)
    words = sorted(words_of(text), key=lambda w: (-len(w), w)) if not number else []
    if text and not number and not words:
        return QueuePage((), None)  # only punctuation: no name or number can match
    # A number search reads its matches through the number's index and sorts them:
    # `+d.id` keeps SQLite's planner from walking the primary key in order instead,
    # testing each row (the whole table when nothing matches). A name search gives
    # SQLite the list of the words' matches, whose dossiers it then reads by id.
    # PostgreSQL, for names too: walking the primary key in order it tests ~1,000 rows
    # per match of a common name (50 ms at 1,000,000 dossiers) instead of reading the
    # 2,000 matches and sorting them.
    # Only the dossiers with unseen replies: read from the replies' partial index, each
    # dossier by its key; SQLite, which keeps no statistics, would rather walk every
    # dossier of the type, so the type's and the id's index are hidden from it (`+`).
    sqlite_replies = new_replies and dialect() != "postgres"
    order = "+d.id" if number or sqlite_replies or (words and dialect() == "postgres") \
        else "d.id"
    where = [("+d.type_id" if sqlite_replies else "d.type_id") + " IN ("
             + ", ".join(f"${k}" for k in params) + ")", f"{order} > $after"]
    params["after"] = _cursor(after)
    if state is not None:
        where.append("d.status = $state")
        params["state"] = state
    elif not number and not new_replies:
        where.append("d.submitted_at IS NOT NULL")
    if new_replies:
        where.append(f"d.id IN (SELECT m.dossier_id FROM message m WHERE {UNSEEN})")
    if assigned_to is not None:
        where.append("d.assigned_agent_id = $agent")
        params["agent"] = assigned_to
    if unassigned:
        where.append("d.assigned_agent_id IS NULL")
    if deadline_before is not None:
        where.append("d.deadline <= $deadline")
        params["deadline"] = deadline_before
    if number:
        starts = [text.upper()]
        if text[0].isdigit():
            starts += [p.upper() + text for p in dict.fromkeys(number_prefixes) if p]
        ranges = []
        for i, start in enumerate(starts):
            params[f"nlow{i}"], params[f"nhigh{i}"] = prefix_range(start)
            ranges.append(f"(d.number >= $nlow{i} AND d.number < $nhigh{i})")
        where.append("(" + " OR ".join(ranges) + ")")
    for i, word in enumerate(words):
        params[f"wlow{i}"], params[f"whigh{i}"] = prefix_range(word)
        where.append(f"d.id IN (SELECT w.dossier_id FROM dossier_search_word w "
                     f"WHERE w.word >= $wlow{i} AND w.word < $whigh{i})")
    params["limit"] = limit + 1
    rows = database().select(
        "SELECT d.id, d.number, d.type_id, d.status, d.submitted_at, d.deadline, "
        "a.given_names, a.family_names, d.given_names, d.family_names, g.name, "
        f"(SELECT COUNT(*) FROM message m WHERE m.dossier_id = d.id AND {UNSEEN}) "
        "FROM dossier d LEFT JOIN account a ON a.id = d.owner_id "
        "LEFT JOIN agent g ON g.id = d.assigned_agent_id WHERE " + " AND ".join(where)
        + f" ORDER BY {order} LIMIT $limit",
        {}, params)
    page = [QueueRow(number=r[1], type_id=r[2], state=r[3],
                     name=_name(r[6], r[7]) if r[6] or r[7] else _name(r[8], r[9]),
                     submitted_at=_instant(r[4]), deadline=_day(r[5]),
                     assigned_to=r[10], new_replies=int(r[11] or 0))
            for r in rows[:limit]]
    more = len(rows) > limit
    return QueuePage(tuple(page), cursor_after(rows[limit - 1][0]) if more else None)


@transaction(write=False)
def unseen_replies(types: Sequence[str]) -> int:
    """How many dossiers of `types` (the agent's granted types) have a reply of their
    applicant no agent has seen (what `agent_queue(..., new_replies=True)` lists)."""
    granted = list(dict.fromkeys(types))
    if not granted:
        return 0
    params: dict[str, Any] = {f"t{i}": t for i, t in enumerate(granted)}
    # read from the replies' partial index (few rows), each one's dossier by its key
    (count,) = database().select(
        "SELECT COUNT(DISTINCT m.dossier_id) FROM message m WHERE " + UNSEEN
        + " AND (SELECT d.type_id FROM dossier d WHERE d.id = m.dossier_id) IN ("
        + ", ".join(f"${k}" for k in params) + ")", {}, params)
    return int(count or 0)

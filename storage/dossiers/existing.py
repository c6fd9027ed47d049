"""Agents registering dossiers opened elsewhere, one by one or from a CSV file.

`guichet dossiers register-existing` and `guichet dossiers import FILE.csv`
share this module: a row is checked field by field first, so the report says
what is wrong in the agent's words (bad date, unknown type, malformed number,
duplicate number...) instead of a database error. Each row is registered in
its own transaction: one bad row never stops the others.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from engine import Registry
from engine.model import Numbering
from engine.profile import PROFILE
from engine.typed_text import clean_text
from storage.clock import clock
from storage.dossiers import audit
from storage.dossiers.lifecycle import register_existing
from storage.orm.db import database
from storage.orm.transactions import transaction
from storage.views import SEXES

COLUMNS: tuple[str, ...] = ("type", "number", "given_name", "family_name", "sex",
                            "birth_date")


@dataclass(frozen=True)
class ExistingDossier:
    """One dossier to register, as an agent typed it (checked)."""

    type_id: str
    number: str
    given_names: str
    family_names: str
    sex: str
    birth_date: date


@dataclass
class ImportReport:
    """What `import_rows` did, row by row; line numbers are the file's (header = 1)."""

    registered: list[tuple[int, str]] = field(default_factory=list)  # (line, number)
    # (line, why): str(why) is the reason in English, why.code/params for a page
    refused: list[tuple[int, RowRefused]] = field(default_factory=list)


class RowRefused(ValueError):
    """A row that cannot be registered; the message is the reason shown to the agent
    (in English, as the CLI prints it).

    `code` says which rule refused it, for a page that words it in its own language:
    "missing", "unknown_type", "malformed_number", "too_long" (a name, `column` and
    `max`), "bad_sex", "bad_birth_date", "future_birth_date", "early_birth_date"
    (`earliest`), "duplicate", "header" (the file's header lacks columns), "columns" (a
    row holds more values than the header names columns), "encoding" (the
    file is not UTF-8 text), "unreadable" (not CSV, `problem`) or "other" (the store
    refused it); `params`: the values the message names (`columns`, `value`, `known`,
    `type`, `example`, `number`, `count`, `expected`, `problem`), all texts.
    """

    def __init__(self, message: str, code: str = "other", **params: str) -> None:
        super().__init__(message)
        self.code = code
        self.params = params
        # the row's other reasons (`check_row`: every one is said), each a RowRefused
        self.also: tuple[RowRefused, ...] = ()


def numbering_example(numbering: Numbering) -> str:
    """What a number looks like, e.g. "G2200045108" for G + 2-digit year + 8 digits."""
    return numbering.format(2022, 45108)


@transaction(write=False)
def _number_exists(number: str) -> bool:
    return database().Dossier.exists(number=number)


# the profile's rules for what a registered dossier holds (a linked applicant's profile
# must be able to match it: a birth date the profile refuses could never be linked)
_NAME_MAX = {"given_name": PROFILE.fields["given_names"].max_length,
             "family_name": PROFILE.fields["family_names"].max_length}
_EARLIEST = PROFILE.fields["birth_date"].earliest


def row_refusals(registry: Registry, row: Mapping[str, str | None]) -> list[RowRefused]:
    """Every reason the row cannot be registered, in the form's order (one per column
    at most; [] when it can). `row`: column name (COLUMNS) -> text as typed (None or ""
    when missing). The type must be in `registry`, the number match its numbering
    (upper-cased first) and be new, each name hold at most the profile's max_length
    characters ("too_long"), sex be F, M or X, birth_date be YYYY-MM-DD, in the past and
    not before the profile's earliest day ("early_birth_date"). The number is judged
    only once the type is known, and whether it is new only once it is well formed."""
    values = _values(row)
    refusals: list[RowRefused] = []
    missing = [c for c in COLUMNS if not values[c]]
    if missing:
        refusals.append(RowRefused("missing " + ", ".join(missing), "missing",
                                   columns=", ".join(missing)))
    compiled = registry.get(values["type"]) if values["type"] else None
    if values["type"] and compiled is None:
        known = ", ".join(sorted(registry.ids()))
        refusals.append(RowRefused(f"unknown dossier type {values['type']!r} (known: {known})",
                                   "unknown_type", value=values["type"], known=known))
    if compiled is not None and values["number"]:
        numbering = compiled.definition.numbering
        number = values["number"].upper()
        if not re.fullmatch(numbering.regex, number):
            example = numbering_example(numbering)
            refusals.append(RowRefused(
                f"malformed number {values['number']!r} for {compiled.id} (expected like "
                f"{example})", "malformed_number", value=values["number"], type=compiled.id,
                example=example))
        elif _number_exists(number):
            refusals.append(RowRefused(f"duplicate number {number} (already registered)",
                                       "duplicate", number=number))
    for column, most in _NAME_MAX.items():
        if most is not None and len(values[column]) > most:
            refusals.append(RowRefused(f"{column} longer than {most} characters",
                                       "too_long", column=column, max=str(most)))
    if values["sex"] and values["sex"].upper() not in SEXES:
        refusals.append(RowRefused(f"bad sex {values['sex']!r} (expected {', '.join(SEXES)})",
                                   "bad_sex", value=values["sex"], known=", ".join(SEXES)))
    if values["birth_date"]:
        refusals += _birth_date_refusals(values["birth_date"])
    return refusals


def _values(row: Mapping[str, str | None]) -> dict[str, str]:
    """Each column's text as the profile reads its fields (engine.typed_text.clean_text:
    composed, spaces and invisible characters trimmed): a name of a zero-width space
    alone is missing, and a name's length is counted as the profile counts it."""
    return {c: clean_text(row.get(c) or "") for c in COLUMNS}


def _birth_date_refusals(typed: str) -> list[RowRefused]:
    try:
        birth_date = date.fromisoformat(typed)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", typed):
            raise ValueError(typed)
    except ValueError:
        return [RowRefused(f"bad birth date {typed!r} (expected YYYY-MM-DD)",
                           "bad_birth_date", value=typed)]
    if birth_date >= clock.today():
        return [RowRefused(f"bad birth date {typed!r} (not in the past)",
                           "future_birth_date", value=typed)]
    if _EARLIEST is not None and typed < _EARLIEST:
        return [RowRefused(f"bad birth date {typed!r} (before {_EARLIEST}, which no "
                           "profile accepts)", "early_birth_date", value=typed,
                           earliest=_EARLIEST)]
    return []


def check_row(registry: Registry, row: Mapping[str, str | None]) -> ExistingDossier:
    """The row as a dossier to register, or RowRefused saying every reason
    (`row_refusals`): its message joins them ("; "), its `code` and `params` are the
    first's, its `also` the others."""
    refusals = row_refusals(registry, row)
    if refusals:
        first = refusals[0]
        refused = RowRefused("; ".join(str(r) for r in refusals), first.code, **first.params)
        refused.also = tuple(refusals[1:])
        raise refused
    values = _values(row)
    return ExistingDossier(values["type"], values["number"].upper(), values["given_name"],
                           values["family_name"], values["sex"].upper(),
                           date.fromisoformat(values["birth_date"]))


def register_row(registry: Registry, row: Mapping[str, str | None], *,
                 actor: str = audit.AGENT, address: str | None = None) -> str:
    """Check and register one row in its own transaction; returns the number as stored
    (upper-cased). `row`: column name (COLUMNS) -> text. RowRefused says why not,
    in the agent's words, also when the same number was registered meanwhile.
    `actor`, `address`: who registers it, from which client IP address (the audit's
    "register" event; an agent at the back office: storage.agent_actor(id))."""
    dossier = check_row(registry, row)
    try:
        register_existing(registry, dossier.type_id, dossier.number, dossier.given_names,
                          dossier.family_names, dossier.sex, dossier.birth_date,
                          actor=actor, address=address)
    except ValueError as exc:  # e.g. the same number registered meanwhile
        raise RowRefused(str(exc)) from exc
    return dossier.number


def import_csv(registry: Registry, data: bytes, *, actor: str = audit.AGENT,
               address: str | None = None) -> ImportReport:
    """`import_rows` on the bytes of an uploaded or given CSV file, decoded whole first:
    UTF-8 (a BOM allowed, as Excel's "CSV UTF-8" writes). RowRefused "encoding" when it is
    not UTF-8 text (e.g. Latin-1, Excel's older "CSV"): nothing is registered. The one
    reading of `guichet dossiers import` and the agent's import page."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RowRefused("the file is not UTF-8 text (byte "
                         f"{data[exc.start]:#04x} at offset {exc.start}): save it as "
                         "\"CSV UTF-8\" and try again", "encoding") from exc
    return import_rows(registry, io.StringIO(text, newline=""), actor=actor, address=address)


def _delimiter(lines: list[str]) -> str:
    """',' or ';' (French Excel's CSV), as csv.Sniffer reads the header line; ','
    when it cannot tell."""
    header = next((line for line in lines if line.strip()), "")
    try:
        return csv.Sniffer().sniff(header, delimiters=",;").delimiter
    except csv.Error:
        return ","


def import_rows(registry: Registry, lines: IO[str] | Iterable[str], *,
                actor: str = audit.AGENT, address: str | None = None) -> ImportReport:
    """Register every row of a CSV file whose header names the COLUMNS (any order,
    extra columns ignored), separated by commas or semicolons (`_delimiter`). Line
    numbers are the file's, header = line 1. `actor`, `address`: as `register_row`.

    `lines`: an open text file or any iterable of CSV lines, all read and parsed before
    any row is registered. Blank lines are skipped; a refused row (RowRefused "columns"
    for one holding more values than the header has columns) is reported and the others
    go on. RowRefused, with nothing registered, when the header lacks a column
    ("header") or the file is not CSV ("unreadable").
    """
    text = list(lines)
    reader = csv.DictReader(text, delimiter=_delimiter(text))
    header = [h.strip() for h in reader.fieldnames or []]
    absent = [c for c in COLUMNS if c not in header]
    if absent:
        raise RowRefused("the header lacks " + ", ".join(absent)
                         + " (expected: " + ",".join(COLUMNS) + ")", "header",
                         columns=", ".join(absent), known=",".join(COLUMNS))
    reader.fieldnames = header
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise RowRefused(f"the file cannot be read as CSV (line {reader.line_num}: {exc})",
                         "unreadable", problem=str(exc)) from exc
    report = ImportReport()
    for line, row in rows:
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # a blank line
        if row.get(None):  # DictReader's restkey: values beyond the header's columns
            count = len(header) + len(row[None])
            report.refused.append((line, RowRefused(
                f"this row holds {count} values but the header names {len(header)} "
                "columns (a value holding a comma must be in double quotes)", "columns",
                count=str(count), expected=str(len(header)))))
            continue
        try:
            report.registered.append((line, register_row(registry, row, actor=actor,
                                                         address=address)))
        except RowRefused as exc:
            report.refused.append((line, exc))
    return report

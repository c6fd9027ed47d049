"""Dossier numbers: prefix + year + serial, unique even with many processes creating.

One counter row per (prefix, year), bumped by a single upsert with RETURNING
inside the creating transaction: the database's row lock serialises
concurrent creations (no read-then-write race) and a rolled-back creation
gives its serial back, so numbers have no gaps.
"""

from __future__ import annotations

from datetime import date

from engine.model import Numbering
from storage.orm.db import database

_BUMP = (
    "INSERT INTO number_counter (prefix, year, value) VALUES ($prefix, $year, 1) "
    "ON CONFLICT (prefix, year) DO UPDATE SET value = number_counter.value + 1 "
    "RETURNING value"
)


class NumberingExhausted(RuntimeError):
    """Every serial of the year is used: the definition needs more digits."""


def next_serial(prefix: str, year: int) -> int:
    """The next serial for (prefix, year), from 1; call inside the creating transaction
    (the counter row stays locked until it ends)."""
    cursor = database().execute(_BUMP, {}, {"prefix": prefix, "year": year})
    return int(cursor.fetchone()[0])


def allocate_number(numbering: Numbering, today: date) -> str:
    """A dossier number never given before, e.g. G + 22 + 00045108 (call in a session).

    Numbers an agent registered by hand are skipped rather than reused. `today` (in the
    service's zone) gives the year. NumberingExhausted when every serial of the year
    is used. Guide: G + two-digit year + 8 digits, e.g. G2200045108.
    """
    orm = database()
    year = today.year if numbering.year_digits else 0  # no year in the number: one sequence
    while True:
        serial = next_serial(numbering.prefix, year)
        if serial >= 10 ** numbering.digits:
            raise NumberingExhausted(
                f"{numbering.prefix}{year}: all {10 ** numbering.digits - 1} numbers used")
        number = numbering.format(today.year, serial)
        if not orm.Dossier.exists(number=number):
            return number

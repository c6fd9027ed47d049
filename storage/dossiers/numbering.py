"""Dossier numbers: prefix + year + a random serial, unique even with many processes creating.

A sequential serial let anyone who knew one number guess the next ones (and link
a dossier an agent registered for someone else). The serial is drawn with
`secrets`, so numbers say nothing of each other. Uniqueness: each number given
out is claimed in the `dossier_number` table by one `INSERT ... ON CONFLICT DO
NOTHING RETURNING` inside the creating transaction. Two transactions that draw
the same number at once: the second waits for the first (the row lock of the
unique key), gets no row back, and draws again, without an error that would
abort its transaction. A rolled-back creation gives its claim back.
"""

from __future__ import annotations

import secrets
from datetime import date

from engine.model import Numbering
from storage.orm.db import database

_CLAIM = ("INSERT INTO dossier_number (number) VALUES ($number) "
          "ON CONFLICT (number) DO NOTHING RETURNING number")
# Draws before giving up: with a serial space a million times larger than the
# dossiers of a year, a collision is rare and fifty in a row means it is full.
MAX_DRAWS = 50


class NumberingExhausted(RuntimeError):
    """No free number found in MAX_DRAWS draws: the definition needs more digits."""


def draw_serial(digits: int) -> int:
    """A serial of at most `digits` digits from the operating system's CSPRNG
    (1 to 10**digits - 1: never all zeros)."""
    return 1 + secrets.randbelow(10 ** digits - 1)


def claim_number(number: str) -> bool:
    """Claim `number` for the calling transaction: True when no dossier has it and no
    other transaction claimed it (an uncommitted claim is waited for), else False.
    Call inside the transaction that creates or registers the dossier."""
    orm = database()
    if orm.Dossier.exists(number=number):  # dossiers older than the claims table
        return False
    return orm.execute(_CLAIM, {}, {"number": number}).fetchone() is not None


def allocate_number(numbering: Numbering, today: date) -> str:
    """A dossier number never given before, e.g. G + 22 + 8 random digits (call in a session).

    The serial is random (`draw_serial`), so consecutive dossiers' numbers are not
    consecutive and cannot be guessed from one another; a number already taken
    (created, or registered by an agent) is drawn again. `today` (in the service's
    zone) gives the year. NumberingExhausted after MAX_DRAWS taken numbers in a row.
    Guide: G + two-digit year + 8 digits, e.g. G2200045108.
    """
    for _ in range(MAX_DRAWS):
        number = numbering.format(today.year, draw_serial(numbering.digits))
        if claim_number(number):
            return number
    raise NumberingExhausted(f"{numbering.prefix}: no free number in {MAX_DRAWS} draws "
                             f"of {numbering.digits} digits")

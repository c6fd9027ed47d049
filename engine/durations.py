"""Durations as designers write them in a definition: `14d`, `12h`, `30m`.

A schedule transition's `after:` (and the workflow's reminders and retention) says how
long a dossier waits; one parser reads them all, so every place accepts the same words
and refuses a malformed one with the same plain sentence (the checker puts it at
file:line).
"""

from __future__ import annotations

import re
from datetime import timedelta

# unit letter -> the timedelta keyword it stands for
UNITS = {"d": "days", "h": "hours", "m": "minutes"}
_DURATION = re.compile(r"([0-9]+)([dhm])")
# the longest duration a definition may write: dates a century on stay computable
MAX_DAYS = 36600
_PER_DAY = {"d": 1, "h": 24, "m": 24 * 60}


def parse_duration(text: str) -> timedelta:
    """The duration written `text`: a whole number > 0 then one unit letter, `d` (days),
    `h` (hours) or `m` (minutes), without spaces: parse_duration("14d") ->
    timedelta(days=14), "12h" -> timedelta(hours=12), "30m" -> timedelta(minutes=30).

    Raises ValueError with a plain sentence for anything else ("2 weeks", "14", "0d",
    "1.5d", "14D") and for one longer than MAX_DAYS days (100 years: "99999999d"),
    which the checker shows to the designer as is.
    """
    match = _DURATION.fullmatch(text) if isinstance(text, str) else None
    if match is None or int(match.group(1)) == 0:
        raise ValueError(
            f"`{text}` is not a duration: write a whole number greater than 0 followed by "
            "d (days), h (hours) or m (minutes), without spaces, e.g. `14d`, `12h` or `30m`")
    count, unit = int(match.group(1)), match.group(2)
    if count > MAX_DAYS * _PER_DAY[unit]:
        raise ValueError(
            f"`{text}` is too long: a duration is at most {MAX_DAYS * _PER_DAY[unit]}{unit} "
            f"({MAX_DAYS} days, 100 years)")
    return timedelta(**{UNITS[unit]: count})

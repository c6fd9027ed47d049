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


def parse_duration(text: str) -> timedelta:
    """The duration written `text`: a whole number > 0 then one unit letter, `d` (days),
    `h` (hours) or `m` (minutes), without spaces: parse_duration("14d") ->
    timedelta(days=14), "12h" -> timedelta(hours=12), "30m" -> timedelta(minutes=30).

    Raises ValueError with a plain sentence for anything else ("2 weeks", "14", "0d",
    "1.5d", "14D"), which the checker shows to the designer as is.
    """
    match = _DURATION.fullmatch(text) if isinstance(text, str) else None
    if match is None or int(match.group(1)) == 0:
        raise ValueError(
            f"`{text}` is not a duration: write a whole number greater than 0 followed by "
            "d (days), h (hours) or m (minutes), without spaces, e.g. `14d`, `12h` or `30m`")
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})

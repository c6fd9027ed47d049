"""Durations as a designer writes them in a definition: `14d`, `12h`, `30m`.

Schedules (reminders before a deadline, retention after a state, transitions taken
`after` a while) name lengths of time; one small notation, read in one place, so the
checker and every reader agree on what `14d` means.
"""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(r"([0-9]{1,6})([dhm])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
DURATION_PATTERN = r"^[0-9]{1,6}[dhm]$"  # the meta-schema's pattern for a duration


def parse_duration(text: str) -> timedelta:
    """`text`: a whole number then d (days), h (hours) or m (minutes), e.g. "14d" ->
    timedelta(days=14), "12h", "30m". ValueError with a plain sentence otherwise
    (spaces, other units, a missing number, a fraction)."""
    match = _DURATION.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a duration: write a whole number followed by "
                         "d (days), h (hours) or m (minutes), for example 14d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})

"""The one source of "now" for storage, settable so tests can freeze time.

Deadlines and the year in dossier numbers are dates in the service's zone
(America/Toronto), not UTC: a dossier created at 22:00 in Montréal on
December 31 belongs to that year.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.compare import use_now

SERVICE_ZONE = ZoneInfo("America/Toronto")  # the same zone as engine.compare's "today"


class Clock:
    """Real time unless set; once set, time stands still until advanced or reset."""

    def __init__(self) -> None:
        self._frozen: datetime | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        frozen = self._frozen
        return frozen if frozen is not None else datetime.now(UTC)

    def today(self) -> date:
        """Today's date in the service's zone (deadlines, ages, number years)."""
        return self.local(self.now()).date()

    def local(self, dt: datetime) -> datetime:
        """`dt` in the service's zone; naive datetimes are taken as UTC."""
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        return dt.astimezone(SERVICE_ZONE)

    def set(self, when: datetime | date) -> None:
        """Freeze time. A date means noon that day in the service's zone; a naive
        datetime is read in the service's zone, as a test author thinks of it."""
        if not isinstance(when, datetime):
            when = datetime.combine(when, time(12, 0))
        if when.tzinfo is None:
            when = when.replace(tzinfo=SERVICE_ZONE)
        with self._lock:
            self._frozen = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move time forward (frozen or not); the clock stays frozen afterwards."""
        with self._lock:
            self._frozen = self.now() + delta

    def reset(self) -> None:
        """Back to real time."""
        with self._lock:
            self._frozen = None


clock = Clock()
# conditions comparing with "today" and the moments answers record (engine.compare) read
# this clock, frozen in tests too
use_now(clock.now)


def to_db(dt: datetime) -> datetime:
    """Stored form of an instant: naive UTC (portable across SQLite and PostgreSQL)."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


def from_db(dt: datetime | None) -> datetime | None:
    """An instant read back from the database, made timezone-aware (UTC) again."""
    return None if dt is None else dt.replace(tzinfo=UTC)

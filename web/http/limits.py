"""Attempt limits (login, linking a dossier, password reset) shared by every process.

An attempt is counted before what it tries is checked (the password, the dossier
number), in one atomic step that also decides whether it is allowed: parallel
guesses never get past the limit. The counts are kept, by default, in the portal's
own database (`storage.count_attempt`: one count for every worker of every server
that shares it, no Redis needed). RATELIMIT_STORAGE_URI may name a store of the
`limits` library instead (the engine of Flask-Limiter: `redis://...` for one count
in Redis, `memory://` for a count per process, tests only). Windows are moving: at
most N attempts in any stretch of the rule's length. A refusal says when the
applicant may try again: on the page, and in the `Retry-After` header of its 429.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import Flask, Response, current_app, g
from limits import RateLimitItem, parse, storage, strategies

import storage as guichet_storage

DATABASE_SCHEME = "database:"  # RATELIMIT_STORAGE_URI database://: the portal's database


@dataclass(frozen=True)
class Refusal:
    """Too many attempts: retry after `retry_after` seconds (at `retry_at`, epoch seconds)."""

    retry_after: int
    retry_at: float

    @property
    def minutes(self) -> int:
        """`retry_after` in whole minutes, rounded up, at least 1: what the page says."""
        return max(1, math.ceil(self.retry_after / 60))


@dataclass(frozen=True)
class Attempt:
    """One attempt's count. `refusal`: refused, nothing counted (do not check what it
    tries). `full`: counted, and the limit is now reached: the next one is refused (a
    wrong password may say so at once). Both None: counted, room left."""

    refusal: Refusal | None = None
    full: Refusal | None = None


Counted = list[tuple[str, RateLimitItem]]  # (key, its rule) pairs of one attempt


class _DatabaseCounts:
    """Counts in the portal's database (storage/attempts.py): atomic across processes."""

    def now(self) -> float:
        return guichet_storage.clock.now().timestamp()  # the clock its times come from

    def count(self, counted: Counted) -> tuple[float | None, float | None]:
        result = guichet_storage.count_attempt(
            [guichet_storage.AttemptKey(key, item.amount, item.get_expiry())
             for key, item in counted])
        return result.refused_until, result.full_until

    def clear(self, counted: Counted) -> None:
        guichet_storage.clear_attempts([key for key, _ in counted])

    def forget(self, key: str) -> None:
        guichet_storage.forget_attempt(key)


class _LibraryCounts:
    """Counts in a store of the `limits` library: each key's hit is atomic on its own."""

    def __init__(self, uri: str) -> None:
        self.strategy = strategies.MovingWindowRateLimiter(storage.storage_from_string(uri))

    def now(self) -> float:
        return time.time()

    def _until(self, counted: Counted) -> float | None:
        """When every key at its limit has room again, or None."""
        return max((self.strategy.get_window_stats(item, key).reset_time
                    for key, item in counted if not self.strategy.test(item, key)),
                   default=None)

    def count(self, counted: Counted) -> tuple[float | None, float | None]:
        refused = self._until(counted)
        if refused is None:
            for key, item in counted:
                if not self.strategy.hit(item, key):  # another process took the last one
                    refused = self._until(counted) or time.time() + item.get_expiry()
                    break
        return (refused, None) if refused is not None else (None, self._until(counted))

    def clear(self, counted: Counted) -> None:
        for key, item in counted:
            self.strategy.clear(item, key)

    def forget(self, key: str) -> None:
        """The library has no way to take back one hit: the attempt stays counted."""


class AttemptLimits:
    """Named limits ("login", "link", ...) each applied to several keys at once."""

    def __init__(self, storage_uri: str, rules: dict[str, str]) -> None:
        self.counts = (_DatabaseCounts() if storage_uri.lower().startswith(DATABASE_SCHEME)
                       else _LibraryCounts(storage_uri))
        self.rules = {name: parse(rule) for name, rule in rules.items()}

    def _counted(self, pairs: tuple[tuple[str, str], ...]) -> Counted:
        return [(f"guichet:{name}:{key}", self.rules[name]) for name, key in pairs if key]

    def attempt(self, *pairs: tuple[str, str]) -> Attempt:
        """Count one attempt against each (rule, key) pair, unless one key is at its
        limit already: then nothing is counted. `rule`: a name of ATTEMPT_LIMITS
        (KeyError for another); `key`: e.g. "account:<email>", "ip:<address>" (empty
        ones ignored). A refusal, or the limit now reached, becomes the Retry-After of
        the request's 429."""
        refused, full = self.counts.count(self._counted(pairs))
        result = Attempt(self._refusal(refused), self._refusal(full))
        g.attempt_refusal = result.refusal or result.full  # for the 429's `Retry-After`
        return result

    def _refusal(self, retry_at: float | None) -> Refusal | None:
        if retry_at is None:
            return None
        return Refusal(max(1, math.ceil(retry_at - self.counts.now())), retry_at)

    def hit(self, name: str, *keys: str) -> Refusal | None:
        """Count one attempt against every key of rule `name`; the refusal (nothing
        counted) if one of them is at its limit already."""
        return self.attempt(*((name, key) for key in keys)).refusal

    def forget(self, name: str, key: str) -> None:
        """Take back the latest attempt counted against `key` (a success that must not
        count against a shared address). The `limits` library's stores cannot: there
        the attempt stays counted."""
        self.counts.forget(f"guichet:{name}:{key}")

    def reset(self, name: str, *keys: str) -> None:
        """Forget the attempts of these keys (a successful login clears its account's count)."""
        self.counts.clear(self._counted(tuple((name, key) for key in keys)))


def _retry_after(response: Response) -> Response:
    """A 429 of a refused attempt says when to retry (`Retry-After`, seconds)."""
    refusal = g.get("attempt_refusal")
    if response.status_code == 429 and refusal is not None:
        response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def init_app(app: Flask) -> None:
    """The app's limits: ATTEMPT_LIMITS kept in RATELIMIT_STORAGE_URI (web/config.py),
    and the `Retry-After` of their 429s."""
    app.extensions["guichet.limits"] = AttemptLimits(app.config["RATELIMIT_STORAGE_URI"],
                                                     dict(app.config["ATTEMPT_LIMITS"]))
    app.after_request(_retry_after)


def limits() -> AttemptLimits:
    """The current app's AttemptLimits (made by `init_app`)."""
    return current_app.extensions["guichet.limits"]

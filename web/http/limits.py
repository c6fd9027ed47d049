"""Attempt limits (login, linking a dossier, password reset) shared by every process.

Built on the `limits` library (the engine of Flask-Limiter): moving windows
kept in memory for a single process, or in Redis when RATELIMIT_STORAGE_URI
says `redis://...`, so that several server processes enforce one limit.
A refusal says when the applicant may try again: on the page, and in the
`Retry-After` header of its 429.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import Flask, Response, current_app, g
from limits import parse, storage, strategies


@dataclass(frozen=True)
class Refusal:
    """Too many attempts: retry after `retry_after` seconds (at `retry_at`, epoch seconds)."""

    retry_after: int
    retry_at: float

    @property
    def minutes(self) -> int:
        """`retry_after` in whole minutes, rounded up, at least 1: what the page says."""
        return max(1, math.ceil(self.retry_after / 60))


class AttemptLimits:
    """Named limits ("login", "link", ...) each applied to several keys at once."""

    def __init__(self, storage_uri: str, rules: dict[str, str]) -> None:
        self.storage = storage.storage_from_string(storage_uri)
        self.strategy = strategies.MovingWindowRateLimiter(self.storage)
        self.rules = {name: parse(rule) for name, rule in rules.items()}

    def _keys(self, name: str, keys: tuple[str, ...]) -> list[str]:
        return [f"guichet:{name}:{key}" for key in keys if key]

    def check(self, name: str, *keys: str) -> Refusal | None:
        """Would one more attempt be refused? (Counts nothing.) `name`: a rule of
        ATTEMPT_LIMITS (KeyError for another); `keys`: e.g. "account:<email>",
        "ip:<address>" (empty ones ignored). The Refusal with the latest retry time
        among the keys at their limit, or None."""
        item = self.rules[name]
        worst: Refusal | None = None
        for key in self._keys(name, keys):
            if not self.strategy.test(item, key):
                reset = self.strategy.get_window_stats(item, key).reset_time
                refusal = Refusal(max(1, math.ceil(reset - time.time())), reset)
                if worst is None or refusal.retry_at > worst.retry_at:
                    worst = refusal
        return worst

    def hit(self, name: str, *keys: str) -> Refusal | None:
        """Count one attempt against every key; a refusal if any key is over its limit."""
        refusal = self.check(name, *keys)
        if refusal is not None:
            g.attempt_refusal = refusal  # for the 429's Retry-After (`_retry_after`)
        if refusal is None:
            item = self.rules[name]
            for key in self._keys(name, keys):
                self.strategy.hit(item, key)
        return refusal

    def reset(self, name: str, *keys: str) -> None:
        """Forget the attempts of these keys (a successful login clears its account's count)."""
        item = self.rules[name]
        for key in self._keys(name, keys):
            self.strategy.clear(item, key)


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

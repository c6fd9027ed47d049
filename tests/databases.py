"""Which database the suite runs on: DATABASE_URL, read by its scheme as storage reads
it. Unset means SQLite in a temporary folder; `sqlite:///...` a SQLite file too; only
`postgresql://` (or `postgres://`) means PostgreSQL. Never "set, so PostgreSQL"."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

POSTGRES_SCHEMES = frozenset({"postgresql", "postgres"})


def database_url() -> str | None:
    return os.environ.get("DATABASE_URL") or None


def is_postgres(url: str | None) -> bool:
    return urlsplit(url or "").scheme in POSTGRES_SCHEMES

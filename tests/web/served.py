"""Real `guichet serve` processes for the served tests: the suite's database emptied with
accounts in it, and the environment a server is started with (bench/servers.py starts
and stops it)."""

from __future__ import annotations

import os
from collections.abc import Iterable

import storage
from tests.databases import database_url
from tests.web.conftest import MARIA, PASSWORD


def emptied_database(instance: str, emails: Iterable[str]) -> str | None:
    """The suite's database (its URL; None: SQLite in the folder `instance`), emptied,
    holding one active account per email, Maria's profile and PASSWORD."""
    url = database_url()
    store = storage.open_store(url, instance)
    try:
        with store.bound():
            storage.init_db()
            storage.reset_db()
            password_hash = storage.hash_password(PASSWORD)
            for email in emails:
                storage.create_account(email, password_hash,
                                       {k: v for k, v in MARIA.items() if k != "email"})
    finally:
        store.disconnect()
    return url


def server_env(instance: str, url: str | None, **settings: str) -> dict[str, str]:
    """This process's environment without its Guichet settings, then the instance
    folder, the database `url` (None: SQLite in the instance folder) and `settings`
    (variable name -> value)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GUICHET_") and k != "DATABASE_URL"}
    env.update(GUICHET_INSTANCE=instance, **settings)
    if url:
        env["DATABASE_URL"] = url
    return env

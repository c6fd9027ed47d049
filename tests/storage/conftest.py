"""Storage tests run on the database DATABASE_URL names (unset: SQLite in tmp).

One store is opened per session (`store`), made current for each test, and
every test starts from empty tables. When PostgreSQL is asked for and does not
answer, creating the tables fails and every test errors: a storage suite must
never pass by skipping. A thread a test starts binds the store itself
(`with store.bound():`): a new thread starts with no store current.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

import storage
from engine import Registry
from storage.orm.db import database, dialect, reset_db
from storage.orm.transactions import in_transaction
from tests.definitions import ESSAI, VALID_ANSWERS
from tests.definitions import registry as test_registry


@pytest.fixture(scope="session")
def database_url() -> str | None:
    return os.environ.get("DATABASE_URL") or None


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("instance"))


@pytest.fixture(scope="session")
def registry() -> Registry:
    return test_registry()


@pytest.fixture(scope="session")
def store(database_url: str | None, instance_dir: str,
          registry: Registry) -> Iterator[storage.Store]:
    """The suite's store: the test definition's registry, tables created."""
    store = storage.open_store(database_url, instance_dir, registry=registry)
    yield store
    store.disconnect()


# the schema's every table, column (and its type), index, constraint, trigger and
# function, as one text: a test that changed the schema changed it
_POSTGRES_SCHEMA = """
SELECT string_agg(item, ',' ORDER BY item) FROM (
  SELECT c.relname || '.' || a.attname || ':' || a.atttypid::text AS item
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
   WHERE c.relnamespace = current_schema()::regnamespace AND a.attnum > 0
     AND NOT a.attisdropped
  UNION ALL SELECT 'constraint ' || conname FROM pg_constraint
   WHERE connamespace = current_schema()::regnamespace
  UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL SELECT 'function ' || proname FROM pg_proc
   WHERE pronamespace = current_schema()::regnamespace) AS schema
"""
_SQLITE_SCHEMA = ("SELECT group_concat(type || ' ' || name || ' ' || coalesce(sql, ''), ';') "
                  "FROM (SELECT * FROM sqlite_master ORDER BY type, name)")


def schema() -> str:
    """The current store's schema, as one text (see _POSTGRES_SCHEMA)."""
    with storage.db_session:
        cursor = database().get_connection().cursor()
        cursor.execute(_POSTGRES_SCHEMA if dialect() == "postgres" else _SQLITE_SCHEMA)
        return cursor.fetchone()[0] or ""


@pytest.fixture(scope="session")
def made_schema(store: storage.Store) -> dict[str, str]:
    """The schema init_db made last ("text": see `schema`), first once a session."""
    with store.bound():
        storage.init_db()
        return {"text": schema()}


@pytest.fixture(autouse=True)
def db(store: storage.Store, made_schema: dict[str, str]) -> Iterator[storage.Store]:
    """The store current for the test, empty, clock real. Its schema is init_db's: made
    again (init_db, ~0.15 s) only after a test changed it (a column or trigger dropped,
    to test what init_db adds to an older database)."""
    assert not in_transaction(), "a test left a storage call open"
    with store.bound():
        if schema() != made_schema["text"]:
            storage.init_db()
            # the same schema, though SQLite keeps a column added later in another text
            made_schema["text"] = schema()
        reset_db()
        storage.clock.reset()
        yield store
        storage.clock.reset()
    assert not in_transaction(), "the test left a storage call open"


@pytest.fixture
def make_account() -> Callable[..., storage.AccountView]:
    counter = iter(range(1, 10_000))

    def make(birth_date: str = "1990-05-17", lang: str = "fr", **profile: str
             ) -> storage.AccountView:
        n = next(counter)
        values = {"given_names": "Maria", "family_names": "Valdero", "sex": "F",
                  "birth_date": birth_date, **profile}
        return storage.create_account(f"applicant{n}@example.org", "hash", values, lang)

    return make


@pytest.fixture
def account(make_account: Callable[..., storage.AccountView]) -> storage.AccountView:
    return make_account()


@pytest.fixture
def draft(registry: Registry, account: storage.AccountView) -> storage.DossierView:
    return storage.create_dossier(registry, account.id, ESSAI)


@pytest.fixture
def valid_draft(registry: Registry, account: storage.AccountView,
                draft: storage.DossierView) -> storage.DossierView:
    """A draft whose every section is valid: ready to submit."""
    version = draft.version
    saved = draft
    for section_id, answers in VALID_ANSWERS.items():
        saved = storage.save_section(registry, account.id, draft.number, section_id, answers,
                                     version)
        version = saved.version
    return saved


def rows(entity: str, **where: Any) -> list[Any]:
    """Rows of one table, as dicts, straight from the database (test assertions)."""
    with storage.db_session:
        table = getattr(database(), entity)
        found = [o.to_dict() for o in table.select()]
    return [r for r in found if all(r[k] == v for k, v in where.items())]


def count(entity: str, **where: Any) -> int:
    return len(rows(entity, **where))


def born_years_ago(years: int, today: date) -> str:
    return today.replace(year=today.year - years).isoformat()

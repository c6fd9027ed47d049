"""Configuration: which database, its settings, tables created idempotently, and a
suite that fails (never skips) when PostgreSQL is asked for and does not answer."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pony.orm.dbapiprovider import IntegrityError

import storage
from storage.orm.db import database, dialect, target_for
from tests.databases import database_url, is_postgres

from .conftest import count

ROOT = Path(__file__).resolve().parents[2]


def test_target_for__urls__sqlite_default_postgres_or_refused(tmp_path):
    assert target_for(None, str(tmp_path)).location == str(tmp_path / "guichet.sqlite3")
    assert target_for("", "instance").kind == "sqlite"
    assert target_for("sqlite:////tmp/x.db", "i").location == "/tmp/x.db"
    url = "postgresql://postgres@127.0.0.1:5432/test"
    assert target_for(url, "i") == storage.orm.db.Target("postgres", url)
    with pytest.raises(ValueError, match="unsupported"):
        target_for("mysql://root@localhost/guichet", "i")


def test_init_db__twice__harmless_data_kept(account):
    storage.init_db()
    storage.init_db()
    assert storage.get_account(account.id) == account


def test_foreign_keys__row_pointing_nowhere__refused():
    with pytest.raises(IntegrityError), storage.db_session:
        database().execute("INSERT INTO message (account_id, subject, body, created_at, "
                           "public_id) VALUES (999999, 's', 'b', '2022-07-11 12:00:00', 'p')")
    assert count("Message") == 0


def test_open_store__sqlite__wal_foreign_keys_busy_timeout_is_the_lock_timeout(tmp_path):
    store = storage.open_store(None, str(tmp_path), timeouts=storage.Timeouts(lock=2.5))
    try:
        with store.bound():
            storage.init_db()
            assert dialect() == "sqlite"
            with storage.db_session:
                pragma = {name: database().select(f"* FROM pragma_{name}")[0]
                          for name in ("journal_mode", "foreign_keys", "busy_timeout")}
    finally:
        store.disconnect()
    assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 2500}
    assert (tmp_path / "guichet.sqlite3").exists()
    assert store.describe() == f"SQLite {tmp_path / 'guichet.sqlite3'}"
    assert storage.describe().split()[0] in ("SQLite", "PostgreSQL")  # the suite's, again


def test_storage_suite__postgres_unreachable__tests_error_not_skip(tmp_path):
    env = {**os.environ, "DATABASE_URL": "postgresql://postgres@127.0.0.1:9/test"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"{Path(__file__).with_name('test_accounts.py')}::"
         "test_get_account__unknown__not_found"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 error" in result.stdout and "skipped" not in result.stdout
    assert "Connection refused" in result.stdout or "could not connect" in result.stdout


_RACE = """
import sys, storage
with storage.open_store(sys.argv[1] or None, sys.argv[2]).bound():
    storage.init_db()
"""


def _empty_database(tmp_path: Path) -> str | None:
    """A new, empty database of the kind this suite runs on: a new SQLite file (None when
    DATABASE_URL is unset, a sqlite:/// URL when it names a SQLite file), or a new
    PostgreSQL database on the server DATABASE_URL names."""
    url = database_url()
    if not is_postgres(url):
        return f"sqlite:///{tmp_path / 'race.sqlite3'}" if url else None
    import psycopg2

    admin = url.rsplit("/", 1)[0] + "/postgres"
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("DROP DATABASE IF EXISTS guichet_init_race WITH (FORCE)")
        cur.execute("CREATE DATABASE guichet_init_race")
    conn.close()
    return url.rsplit("/", 1)[0] + "/guichet_init_race"


def test_init_db__four_processes_at_once_on_an_empty_database__all_succeed(tmp_path):
    """gunicorn boots its workers together; each creates the tables it finds missing."""
    url = _empty_database(tmp_path)
    procs = [subprocess.Popen([sys.executable, "-c", _RACE, url or "", str(tmp_path)],
                              cwd=ROOT, stderr=subprocess.PIPE) for _ in range(4)]
    outcomes = [(p.communicate(timeout=120)[1], p.returncode) for p in procs]
    assert [err.decode()[-500:] for err, code in outcomes if code != 0] == []


def test_storage_call__thread_with_no_store_bound__runtime_error_saying_how(account):
    errors: list[str] = []

    def read() -> None:
        try:
            storage.get_account(account.id)
        except RuntimeError as exc:
            errors.append(str(exc))

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert len(errors) == 1 and "store.bound()" in errors[0]


def test_store_bound__nested__inner_store_current_then_outer_again(store, tmp_path, account):
    other = storage.open_store(None, str(tmp_path))
    try:
        with other.bound():
            storage.init_db()
            assert storage.current_store() is other
            assert storage.find_account_by_email(account.email) is None
            assert storage.describe() == f"SQLite {tmp_path / 'guichet.sqlite3'}"
        assert storage.current_store() is store
        assert storage.get_account(account.id) == account
    finally:
        other.disconnect()


def test_submit__store_with_its_own_portal_url__that_address_in_the_email(
        database_url, instance_dir, registry, account, valid_draft):
    other = storage.open_store(database_url, instance_dir, registry=registry,
                               portal_url="https://portail.example/")
    try:
        with other.bound():
            storage.submit(registry, account.id, valid_draft.number)
            (email,) = storage.pending_emails()
    finally:
        other.disconnect()
    assert email.body.endswith(": https://portail.example")
    assert storage.open_store(None, str(instance_dir)).portal_url == "http://127.0.0.1:8000"

"""How fast is the agents' queue with 1,000 and with 1,000,000 dossiers?

Measures, on SQLite and PostgreSQL, the median time of what the queue page reads:
the counts per type and state, the first page, a deep page (after 90 % of the ids),
a search for one person's name (three dossiers at any size), a search for a common
family name (one dossier in 500 carries it), searches by number prefix and for a
number and a name no dossier has; each at 1,000 and at 1,000,000 dossiers. The
1,000,000 figure must stay within 1.5x of the 1,000 one: index ranges and kept
counters, no scan, no OFFSET, no COUNT(*). The common name is judged on its time
(at most 10 ms) instead: its matches grow with the table (2 -> 2,000), and all of
them are read and sorted to show the first 50.

The dossiers (and their search words) are bulk-loaded with plain SQL into scratch
databases, the counting triggers dropped during the load and made again by init_db
(which then counts what is there, as for a database made before counting): a
temporary SQLite file, and a PostgreSQL database `guichet_bench` created and dropped
here (server from BENCH_PG_URL, else DATABASE_URL when it is PostgreSQL, else
postgresql://postgres@127.0.0.1:5432/postgres).

    .venv/bin/python bench/queue.py            # both databases
    .venv/bin/python bench/queue.py sqlite     # one of them
    BENCH_ROWS=100000 .venv/bin/python bench/queue.py   # a smaller big table
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)  # run as a script: `import queue` must not find this file

import importlib.util  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from datetime import date, datetime, timedelta  # noqa: E402

import psycopg2  # noqa: E402
from psycopg2.extras import execute_values  # noqa: E402

import storage  # noqa: E402
from storage.dossiers.search_words import words_of  # noqa: E402
from storage.orm.db import database, dialect  # noqa: E402
from storage.queue.listing import cursor_after  # noqa: E402


def _bench_storage():
    """bench/storage.py (its scratch databases), loaded by path: it is named like the
    `storage` package."""
    spec = importlib.util.spec_from_file_location("bench_storage_scratch",
                                                  ROOT / "bench" / "storage.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SMALL, BIG = 1_000, int(os.environ.get("BENCH_ROWS", "1000000"))
TARGET_RATIO = 1.5
TYPES = ("bench-a", "bench-b", "bench-c")  # the agent is granted the first two
GRANTED = TYPES[:2]
FAMILIES = 500  # family names in the pool: "common" is one dossier in 500
PERSON = ("Zélie", "Quintanilla-Ortíz")  # one person's three dossiers, at any size
PREFIX = "Q"
COLUMNS = ("number", "type_id", "definition_version", "status", "answers", "created_at",
           "deadline", "version", "given_names", "family_names", "sex", "submitted_at")
COMMON = f"search a common family name (1 dossier in {FAMILIES})"
COMMON_MS = 10.0  # its matches grow with the table (all are read and sorted): a time
TRIGGERS = ("dossier_count_insert", "dossier_count_update", "dossier_count_delete")


def median_ms(call: Callable[[], object], times: int) -> float:
    for _ in range(min(times, 20)):  # warm caches and query plans
        call()
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _letters(n: int) -> str:
    """n written with the letters a-z (base 26, two letters at least): names hold no
    digit, which the queue's search box reads as a number."""
    text = ""
    while True:
        n, letter = divmod(n, 26)
        text = chr(ord("a") + letter) + text
        if n == 0:
            return text.rjust(2, "a")


def dossier(i: int, now: object) -> tuple:
    """The i-th bulk dossier: types and states spread, a name from the pool (the
    person's for three of them), submitted unless a draft."""
    type_id = TYPES[i % 3]
    status = ("brouillon", "presente", "presente", "en_traitement", "presente")[i % 5]
    given, family = f"Prenom{_letters(i % 97)}", f"Famille{_letters(i % FAMILIES)}"
    if i in (7, 507, 907):
        given, family = PERSON
    created = now - timedelta(seconds=BIG - i)
    submitted = None if status == "brouillon" else created + timedelta(hours=1)
    return (f"{PREFIX}{i:010d}", type_id, 1, status, "{}", created,
            (created + timedelta(days=90)).date(), 1, given, family, "F", submitted)


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat(" ")
    return value.isoformat() if isinstance(value, date) else str(value)


def bulk_load(start: int, stop: int) -> None:
    """Insert dossiers start..stop and their search words with plain SQL, triggers
    dropped; init_db then counts them and makes the triggers again; ANALYZE."""
    now = storage.clock.now().replace(tzinfo=None)
    with storage.db_session:
        cursor = database().get_connection().cursor()
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}"
                           + (" ON dossier" if dialect() == "postgres" else ""))
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM dossier")
        first_id = cursor.fetchone()[0] + 1
        rows = [dossier(i, now) for i in range(start, stop)]
        words = [(first_id + n, word) for n, row in enumerate(rows)
                 for word in sorted(words_of(row[8], row[9]))]
        if dialect() == "postgres":  # COPY refuses the store's wait callback
            execute_values(cursor, f"INSERT INTO dossier (id, {', '.join(COLUMNS)}) VALUES %s",
                           ((first_id + n, *r) for n, r in enumerate(rows)), page_size=5000)
            execute_values(cursor, "INSERT INTO dossier_search_word (dossier_id, word) "
                           "VALUES %s", words, page_size=10000)
            cursor.execute("SELECT setval('dossier_id_seq', (SELECT MAX(id) FROM dossier))")
        else:
            cursor.executemany(
                f"INSERT INTO dossier (id, {', '.join(COLUMNS)}) VALUES "
                f"({', '.join('?' * (len(COLUMNS) + 1))})",
                ((first_id + n, *(_text(v) if isinstance(v, date) else v for v in r))
                 for n, r in enumerate(rows)))
            cursor.executemany("INSERT INTO dossier_search_word (dossier_id, word) "
                               "VALUES (?, ?)", words)
    storage.init_db()  # counts the dossiers, makes the triggers again
    with storage.db_session:
        database().execute("ANALYZE")


def measures(total: int, times: int) -> dict[str, float]:
    """Median ms of each read of the queue page, with `total` dossiers stored."""
    deep = cursor_after(int(total * 0.9))
    calls: dict[str, Callable[[], object]] = {
        "counts by type and state": lambda: storage.queue_counts(GRANTED),
        "first page (50 submitted dossiers)": lambda: storage.agent_queue(GRANTED),
        "deep page (after 90 % of the ids)": lambda: storage.agent_queue(GRANTED, after=deep),
        "one state, first page": lambda: storage.agent_queue(GRANTED, state="en_traitement"),
        "search one person's name (3 dossiers)":
            lambda: storage.agent_queue(GRANTED, search="zelie quintanilla"),
        COMMON:
            lambda: storage.agent_queue(GRANTED, search=f"famille{_letters(123)}"),
        "search a number prefix": lambda: storage.agent_queue(GRANTED, search="q00000009"),
        "search a number no dossier has": lambda: storage.agent_queue(GRANTED, search="G2199"),
        "search a name no dossier has": lambda: storage.agent_queue(GRANTED, search="xyzzy"),
    }
    return {name: median_ms(call, times) for name, call in calls.items()}


def bench_database(label: str, scratch: Callable[[], Iterator[tuple[str | None, str]]],
                   times: int = 200) -> list[dict]:
    with scratch() as (url, folder):
        store = storage.open_store(url, folder, registry=None)
        try:
            with store.bound():
                storage.init_db()
                bulk_load(0, SMALL)
                small = measures(SMALL, times)
                started = time.perf_counter()
                bulk_load(SMALL, BIG)
                load_s = time.perf_counter() - started
                big = measures(BIG, times)
        finally:
            store.disconnect()
    rows = []
    for name, small_ms in small.items():
        ratio = big[name] / small_ms
        if name == COMMON:  # its matches grow with the table: judged on its time
            rows.append({"name": f"{label}: queue, {name}, {SMALL:,} dossiers",
                         "value": round(small_ms, 3), "unit": "ms", "target": "", "ok": True})
            rows.append({"name": f"{label}: same, {BIG:,} dossiers ({BIG // FAMILIES:,} "
                                 "matches instead of 2)", "value": round(big[name], 3),
                         "unit": "ms", "ratio": round(ratio, 2),
                         "target": f"≤ {COMMON_MS:g} ms", "ok": big[name] <= COMMON_MS})
            continue
        rows.append({"name": f"{label}: queue, {name}, {SMALL:,} dossiers",
                     "value": round(small_ms, 3), "unit": "ms", "target": "", "ok": True})
        rows.append({"name": f"{label}: same, {BIG:,} dossiers (bulk load {load_s:.0f} s)",
                     "value": round(big[name], 3), "unit": "ms", "ratio": round(ratio, 2),
                     "target": f"≤ {TARGET_RATIO:g}× the {SMALL:,} figure",
                     "ok": ratio <= TARGET_RATIO})
    return rows


def run(names: list[str] | None = None) -> list[dict]:
    scratch = _bench_storage()
    databases = {"sqlite": ("SQLite", scratch.sqlite_scratch),
                 "postgres": ("PostgreSQL", scratch.postgres_scratch)}
    rows: list[dict] = []
    for name in names or list(databases):
        label, make = databases[name]
        try:
            rows += bench_database(label, make)
        except psycopg2.OperationalError as exc:
            rows.append({"name": f"{label}: server unavailable ({str(exc).strip()[:80]})",
                         "value": "", "unit": "", "target": "", "ok": False})
    return rows


def main(argv: list[str]) -> int:
    return _bench_storage().report(run(argv or None))

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

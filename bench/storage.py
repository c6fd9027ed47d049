"""How fast are the storage calls an applicant waits on, on SQLite and PostgreSQL?

Reports the median time of save-section and of submit, and of listing one
applicant's dossiers with 1,000 and with 1,000,000 dossiers in the table
(the second must stay within 1.5x of the first: an index range scan, not a
scan of the table). The million rows are bulk-loaded with plain SQL
(executemany on SQLite, COPY on PostgreSQL) into scratch databases: a
temporary SQLite file and a PostgreSQL database `guichet_bench`, created and
dropped here (server from BENCH_PG_URL, else DATABASE_URL when it is
PostgreSQL, else postgresql://postgres@127.0.0.1:5432/postgres).

    python bench/storage.py            # both databases
    python bench/storage.py sqlite     # one of them
    BENCH_ROWS=100000 python bench/storage.py   # a smaller big table
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)  # run as a script: `import storage` must not find this file
sys.path.append(str(ROOT / "bench"))  # for dossier.py, after storage/

import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from datetime import timedelta  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

import psycopg2  # noqa: E402
from dossier import DRAFT_STATE, SECTIONS, TYPE_ID  # noqa: E402

import storage  # noqa: E402
from engine import Registry, load_registry  # noqa: E402
from storage.orm.db import database, dialect  # noqa: E402

SMALL, BIG = 1_000, int(os.environ.get("BENCH_ROWS", "1000000"))
PER_ACCOUNT = 5  # dossiers per applicant, the listed one included
BULK_PREFIX = "B"  # numbers no real definition gives out
SCRATCH_DB = "guichet_bench"
TARGET_RATIO = 1.5
TARGET_SAVE_MS, TARGET_SUBMIT_MS, TARGET_LIST_MS = 20.0, 50.0, 10.0


def median_ms(call: Callable[[], object], times: int) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


# --- scratch databases ------------------------------------------------------------


@contextmanager
def sqlite_scratch() -> Iterator[tuple[str | None, str]]:
    folder = tempfile.mkdtemp(prefix="guichet-bench-")
    try:
        yield None, folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def server_url() -> str:
    url = os.environ.get("BENCH_PG_URL") or os.environ.get("DATABASE_URL") or ""
    if not url.startswith(("postgresql://", "postgres://")):
        url = "postgresql://postgres@127.0.0.1:5432/postgres"
    return url


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(url: str, sql: str) -> None:
    connection = psycopg2.connect(url)
    try:
        connection.autocommit = True
        connection.cursor().execute(sql)
    finally:
        connection.close()


@contextmanager
def postgres_scratch() -> Iterator[tuple[str | None, str]]:
    admin = server_url()
    _admin(admin, f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")
    _admin(admin, f"CREATE DATABASE {SCRATCH_DB}")
    folder = tempfile.mkdtemp(prefix="guichet-bench-")
    try:
        yield _with_db(admin, SCRATCH_DB), folder
    finally:
        _admin(admin, f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")
        shutil.rmtree(folder, ignore_errors=True)


# --- the measures -----------------------------------------------------------------


def applicant(n: int) -> storage.AccountView:
    return storage.create_account(f"bench{n}@example.org", "x", {
        "given_names": "Maria", "family_names": "Valdero", "sex": "F",
        "birth_date": "1990-01-01", "city": "Paris"})


def filled_dossier(registry: Registry, account_id: int) -> storage.DossierView:
    dossier = storage.create_dossier(registry, account_id, TYPE_ID)
    for section_id, answers in SECTIONS.items():
        dossier = storage.save_section(registry, account_id, dossier.number, section_id,
                                       answers, dossier.version)
    return dossier


def measure_save(registry: Registry, account_id: int, times: int = 200) -> float:
    dossier = storage.create_dossier(registry, account_id, TYPE_ID)
    state = {"version": dossier.version, "i": 0}
    names = list(SECTIONS)

    def save() -> None:
        section = names[state["i"] % 2]
        state["i"] += 1
        state["version"] = storage.save_section(registry, account_id, dossier.number,
                                                section, SECTIONS[section],
                                                state["version"]).version

    return median_ms(save, times)


def measure_submit(registry: Registry, account_id: int, times: int = 100) -> float:
    numbers = iter([filled_dossier(registry, account_id).number for _ in range(times)])
    return median_ms(lambda: storage.submit(registry, account_id, next(numbers)), times)


def bulk_rows(start: int, stop: int, first_account: int, accounts: int) -> Iterator[tuple]:
    """Dossiers of other applicants: same shape and dates as real ones."""
    now = storage.clock.now().replace(tzinfo=None)
    deadline = (now + timedelta(days=90)).date()
    answers = json.dumps(SECTIONS[list(SECTIONS)[-1]])
    for i in range(start, stop):
        yield (f"{BULK_PREFIX}{i:010d}", TYPE_ID, 1, DRAFT_STATE, answers,
               now - timedelta(seconds=i), deadline, 1,
               first_account + i % accounts, "Bench", "Applicant", "F")


ACCOUNT_COLUMNS = ("id", "email", "password_hash", "lang", "created_at", "given_names",
                   "family_names", "sex", "birth_city", "birth_country", "address_line1",
                   "address_line2", "address_line3", "country", "province", "city",
                   "postal_code", "phone_home_code", "phone_home", "phone_mobile_code",
                   "phone_mobile", "phone_work_code", "phone_work", "phone_work_ext")
COLUMNS = ("number", "type_id", "definition_version", "status", "answers", "created_at",
           "deadline", "version", "owner_id", "given_names", "family_names", "sex")


def _copy(cursor: object, table: str, columns: tuple[str, ...], rows: object) -> None:
    """PostgreSQL's COPY from an in-memory text buffer (values hold no tabs)."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(str(v) for v in row) + "\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def bulk_load(start: int, stop: int) -> None:
    """Insert dossiers start..stop (and their owners) with plain SQL, then ANALYZE."""
    accounts = max((stop - start) // PER_ACCOUNT, 1)
    with storage.db_session:
        connection = database().get_connection()
        cursor = connection.cursor()
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM account")
        first = cursor.fetchone()[0] + 1
        created = storage.clock.now().replace(tzinfo=None)
        owners = [(first + i, f"bulk{first + i}@example.org", "x", "fr", created, *[""] * 19)
                  for i in range(accounts)]
        rows = bulk_rows(start, stop, first, accounts)
        if dialect() == "postgres":
            _copy(cursor, "account", ACCOUNT_COLUMNS, owners)
            cursor.execute("SELECT setval('account_id_seq', (SELECT MAX(id) FROM account))")
            _copy(cursor, "dossier", COLUMNS, rows)
        else:
            cursor.executemany(
                f"INSERT INTO account ({', '.join(ACCOUNT_COLUMNS)}) VALUES "
                f"({', '.join('?' * len(ACCOUNT_COLUMNS))})",
                ((*o[:4], o[4].isoformat(" "), *o[5:]) for o in owners))
            cursor.executemany(
                f"INSERT INTO dossier ({', '.join(COLUMNS)}) VALUES "
                f"({', '.join('?' * len(COLUMNS))})",
                ((*r[:5], r[5].isoformat(" "), r[6].isoformat(), *r[7:]) for r in rows))
    with storage.db_session:
        database().execute("ANALYZE")


def dossier_count() -> int:
    with storage.db_session:
        return database().select("COUNT(*) FROM dossier")[0]


def measure_list(account_id: int, times: int = 500) -> float:
    for _ in range(100):  # warm caches and the query plan
        storage.list_dossiers(account_id)
    return median_ms(lambda: storage.list_dossiers(account_id), times)


def bench_database(label: str, scratch: Callable[[], object]) -> list[dict]:
    registry = load_registry()
    with scratch() as (url, folder):
        store = storage.open_store(url, folder, registry=registry)
        try:
            with store.bound():
                storage.init_db()
                listed = applicant(0)
                for _ in range(PER_ACCOUNT):
                    filled_dossier(registry, listed.id)
                worker = applicant(1)
                save_ms = measure_save(registry, worker.id)
                submit_ms = measure_submit(registry, worker.id)
                bulk_load(0, SMALL - dossier_count())
                small = dossier_count()
                small_ms = measure_list(listed.id)
                started = time.perf_counter()
                bulk_load(SMALL, BIG)
                load_s = time.perf_counter() - started
                big = dossier_count()
                big_ms = measure_list(listed.id)
        finally:
            store.disconnect()  # let go of the scratch database before it is dropped
    ratio = big_ms / small_ms
    return [
        {"name": f"{label}: save one section (median)", "value": round(save_ms, 2),
         "unit": "ms", "target": f"≤ {TARGET_SAVE_MS:g} ms", "ok": save_ms <= TARGET_SAVE_MS},
        {"name": f"{label}: submit, all actions (median)", "value": round(submit_ms, 2),
         "unit": "ms", "target": f"≤ {TARGET_SUBMIT_MS:g} ms",
         "ok": submit_ms <= TARGET_SUBMIT_MS},
        {"name": f"{label}: list one applicant's {PER_ACCOUNT} dossiers, {small:,} in table",
         "value": round(small_ms, 3), "unit": "ms", "target": f"≤ {TARGET_LIST_MS:g} ms",
         "ok": small_ms <= TARGET_LIST_MS},
        {"name": f"{label}: same, {big:,} in table (bulk load {load_s:.0f} s)",
         "value": round(big_ms, 3), "unit": "ms", "ratio": round(ratio, 2),
         "target": f"≤ {TARGET_RATIO:g}× the {small:,} figure", "ok": ratio <= TARGET_RATIO},
    ]


DATABASES = {"sqlite": ("SQLite", sqlite_scratch), "postgres": ("PostgreSQL", postgres_scratch)}


def run(names: list[str] | None = None) -> list[dict]:
    rows: list[dict] = []
    for name in names or list(DATABASES):
        label, scratch = DATABASES[name]
        try:
            rows += bench_database(label, scratch)
        except psycopg2.OperationalError as exc:
            rows.append({"name": f"{label}: server unavailable ({str(exc).strip()[:80]})",
                         "value": "", "unit": "", "target": "", "ok": False})
    return rows


def report(rows: list[dict]) -> int:
    """Print `rows` as the benchmarks' table; 0 when every target is met, else 1."""
    width = max(len(r["name"]) for r in rows)
    print(f"{'measure':<{width}}  {'figure':>12}  {'ratio':>6}  target")
    for r in rows:
        figure = f"{r['value']} {r['unit']}".strip()
        ratio = f"{r['ratio']}×" if r.get("ratio") is not None else ""
        flag = "" if r["ok"] else "  <-- NOT MET"
        print(f"{r['name']:<{width}}  {figure:>12}  {ratio:>6}  {r['target']}{flag}")
    return 0 if all(r["ok"] for r in rows) else 1


def main(argv: list[str]) -> int:
    return report(run(argv or None))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Full applicant flows against `guichet serve`, then a check of every row they wrote.

Each virtual applicant does what the guide describes, start to finish: create an
account (and activate it by the link of its email, read from the in-process SMTP
server), log in, create a dossier, fill and save both sections, go through the
submission wizard and submit, open the confirmation message, wait for the PDF
recap in Mes documents and download it. `--concurrency` applicants run at once
until `--flows` flows are done. Then the database is read back: every flow's
dossier is there, submitted once, with exactly one message, one rendered
document and two emails in the outbox, both sent to the in-process SMTP server
(the account's activation, the submission's notification).
It prints flows per minute and p50/p95 latency per step.

    python bench/load.py                      # SQLite, then PostgreSQL
    python bench/load.py --db sqlite --flows 60 --concurrency 20
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(HERE))  # for servers.py; after ROOT: bench/storage.py must not hide storage/

from dossier import FORM_SECTIONS, TYPE_ID  # noqa: E402
from servers import free_port, start, stop  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "guichet_load"
TARGET_FLOWS_PER_MINUTE = 150
PASSWORD = "charge-motdepasse-2026"
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
ACTIVATION = re.compile(r"https?://[^/\s]+(/inscription/activer/[A-Za-z0-9_-]+)")
# Every flow registers from 127.0.0.1: the per-address registration limit out of the way.
LIMITS = '{"register_address": "100000/hour"}'
EMAILS_PER_FLOW = 2  # the activation link, the submission's notification
PROFILE = {"family_names": "Valdero", "given_names": "Maria", "sex": "F",
           "birth_date": "2000-01-01", "birth_city": "Paris", "birth_country": "France",
           "address_line1": "20 rue Monge", "country": "France", "city": "Paris",
           "postal_code": "75005", "phone_home_code": "33", "phone_home": "55555555"}
SECTIONS = FORM_SECTIONS  # section id -> answers as the form posts them (bench/dossier.yaml)


class FlowError(Exception):
    pass


class Browser:
    """One applicant's connection: keep-alive, the session cookie, the last CSRF token."""

    def __init__(self, port: int, timings: dict[str, list[float]]) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.timings = timings

    def request(self, step: str, method: str, path: str, form: dict | None = None,
                expect: tuple[int, ...] = (200,)) -> tuple[int, dict[str, str], bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode({**form, "csrf_token": self.token}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.conn.request(method, path, body, headers)
        response = self.conn.getresponse()
        content = response.read()
        self.timings[step].append(time.perf_counter() - started)
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        if response.status not in expect:
            raise FlowError(f"{step}: {method} {path} -> {response.status}")
        if content[:200].lstrip().startswith(b"<!doctype") and (m := CSRF.search(
                content.decode("utf-8", "replace"))):
            self.token = m.group(1)
        location = response.getheader("Location") or ""
        return response.status, {"location": urlsplit(location).path
                                 + (f"?{urlsplit(location).query}"
                                    if urlsplit(location).query else "")}, content

    def get(self, step: str, path: str, expect: tuple[int, ...] = (200,)):
        return self.request(step, "GET", path, expect=expect)

    def post(self, step: str, path: str, form: dict, expect: tuple[int, ...] = (302,)):
        return self.request(step, "POST", path, form, expect)

    def close(self) -> None:
        self.conn.close()


def activation_path(inbox: Any, email: str) -> str:
    """The link of the activation email `inbox` (tests.smtp.Inbox) received for `email`."""
    deadline = time.monotonic() + 60
    while not (received := inbox.to(email)):
        if time.monotonic() > deadline:
            raise FlowError("no activation email after 60 s")
        time.sleep(0.2)
    found = ACTIVATION.search(received[0].body)
    if not found:
        raise FlowError("no activation link in the email")
    return found.group(1)


def flow(port: int, index: int, timings: dict[str, list[float]], inbox: Any) -> str:
    """One applicant from account to downloaded PDF; returns the dossier number."""
    b = Browser(port, timings)
    try:
        email = f"charge{index}-{os.getpid()}@example.org"
        b.get("register_page", "/inscription")
        b.post("register", "/inscription", {**PROFILE, "email": email, "password": PASSWORD,
                                            "password_confirm": PASSWORD}, expect=(200,))
        activation = activation_path(inbox, email)
        b.get("activation_page", activation)
        b.post("activate", activation, {})
        b.get("login_page", "/connexion")
        b.post("login", "/connexion", {"email": email, "password": PASSWORD})
        b.get("dossiers", "/dossiers/")
        b.get("create_page", "/dossiers/nouveau")
        _, head, _ = b.post("create", "/dossiers/nouveau", {"type_id": TYPE_ID, "mode": "new"})
        number = head["location"].strip("/").split("/")[1]
        for section, answers in SECTIONS.items():
            path = f"/dossiers/{number}/sections/{section}"
            _, _, html = b.get(f"open_{section}", path)
            version = VERSION.search(html.decode()).group(1)
            _, head, _ = b.post(f"save_{section}", path, {**answers, "version": version})
            if "verifier" in head["location"]:
                raise FlowError(f"{section} saved with errors")
        for step in (1, 2, 3):
            b.get(f"wizard_{step}", f"/dossiers/{number}/soumettre?etape={step}")
        b.post("submit", f"/dossiers/{number}/soumettre", {})
        after_submit(b, number)
        return number
    finally:
        b.close()


MESSAGE_LINK = re.compile(r'href="(/messages/[A-Za-z0-9_-]+)"')
DOWNLOAD_LINK = re.compile(r'href="(/documents/[A-Za-z0-9_-]+/telecharger)"')


def after_submit(b: Browser, number: str) -> None:
    """Open the confirmation message, then wait for the recap PDF and download it."""
    _, _, html = b.get("messages", "/messages/")
    link = MESSAGE_LINK.search(html.decode())
    if not link:
        raise FlowError("no message after submission")
    b.get("message", link.group(1))
    deadline = time.monotonic() + 120
    while True:
        _, _, html = b.get("documents", "/documents/")
        link = DOWNLOAD_LINK.search(html.decode())
        if link:
            break
        if time.monotonic() > deadline:
            raise FlowError("the recap PDF was not ready after 120 s")
        time.sleep(1.0)
    _, _, pdf = b.get("download_pdf", link.group(1))
    if not pdf.startswith(b"%PDF"):
        raise FlowError("the download is not a PDF")


@dataclass
class Run:
    flows_done: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    seconds: float = 0.0


def drive(port: int, flows: int, concurrency: int, inbox: Any) -> Run:
    run = Run()
    lock = threading.Lock()
    counter = iter(range(flows))

    def worker() -> None:
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            try:
                number = flow(port, index, run.timings, inbox)
            except Exception as exc:  # counted, reported, never hidden
                with lock:
                    run.errors.append(f"flow {index}: {exc}")
            else:
                with lock:
                    run.flows_done.append(number)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.seconds = time.perf_counter() - started
    return run


# --- servers and the database check ------------------------------------------------------

def serve(env: dict[str, str], port: int) -> subprocess.Popen:
    """`guichet serve`, exactly as an operator starts it."""
    return start([sys.executable, "-m", "web.cli", "serve", "--port", str(port)], env, port,
                 env["GUICHET_INSTANCE"])


def check_rows(database_url: str | None, instance: str, numbers: list[str],
               smtp_received: int, wait: float = 60.0) -> list[str]:
    """Read back every flow: one submitted dossier with one message, one rendered
    document and EMAILS_PER_FLOW emails, all sent. Returns the problems found (none is the goal)."""
    import storage

    store = storage.open_store(database_url, instance)
    try:
        with store.bound():
            return _problems(store, numbers, smtp_received, wait)
    finally:
        store.disconnect()


def _problems(store: Any, numbers: list[str], smtp_received: int, wait: float) -> list[str]:
    """`check_rows` on `store` (current): its Pony database read directly."""
    from pony.orm import count, select

    import storage

    orm = store.db
    problems: list[str] = []
    deadline = time.monotonic() + wait
    while True:
        with storage.db_session():
            unsent = count(e for e in orm.OutgoingEmail if e.sent_at is None)
        if unsent == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    with storage.db_session():
        for number in numbers:
            d = orm.Dossier.get(number=number)
            if d is None:
                problems.append(f"{number}: missing")
                continue
            if d.submitted_at is None or d.status != "presente":
                problems.append(f"{number}: status {d.status}, submitted_at {d.submitted_at}")
            messages = select(m for m in orm.Message if m.dossier == d).count()
            documents = list(select(x for x in orm.Document if x.dossier == d))
            events = select(a for a in orm.AuditEvent if a.dossier == d
                            and a.action == "soumettre").count()
            if messages != 1:
                problems.append(f"{number}: {messages} messages")
            if len(documents) != 1 or not documents[0].content:
                problems.append(f"{number}: {len(documents)} documents, rendered: "
                                f"{[bool(x.content) for x in documents]}")
            if events != 1:
                problems.append(f"{number}: {events} submission events")
        emails = count(e for e in orm.OutgoingEmail)
        sent = count(e for e in orm.OutgoingEmail if e.sent_at is not None)
        dossiers = count(d for d in orm.Dossier)
    expected = EMAILS_PER_FLOW * len(numbers)
    if emails != expected or sent != expected:
        problems.append(f"{emails} emails in the outbox, {sent} sent, for {len(numbers)} flows")
    if smtp_received != expected:
        problems.append(f"the SMTP server received {smtp_received} emails for "
                        f"{len(numbers)} flows")
    if dossiers != len(numbers):
        problems.append(f"{dossiers} dossiers in the database for {len(numbers)} flows")
    return problems


def _pg_scratch() -> str:
    import psycopg2

    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {PG_DB}")
    conn.close()
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_DB}"


@dataclass
class Result:
    database: str
    flows: int
    concurrency: int
    run: Run
    problems: list[str]

    @property
    def flows_per_minute(self) -> float:
        return len(self.run.flows_done) / self.run.seconds * 60 if self.run.seconds else 0.0

    @property
    def ok(self) -> bool:
        return not self.run.errors and not self.problems and len(
            self.run.flows_done) == self.flows


def _emptied(database_url: str, instance: str) -> None:
    import storage

    store = storage.open_store(database_url, instance)
    try:
        with store.bound():
            storage.init_db()
            storage.reset_db()
    finally:
        store.disconnect()


def run_load(db: str, flows: int, concurrency: int, workers: int | None = None,
             database_url: str | None = None) -> Result:
    """Serve on a fresh database, drive the flows, read every row back.

    `db` is "sqlite" (a new file) or "postgresql": a scratch database on the
    local server, or `database_url` emptied first (the test suite's database)."""
    from tests.smtp import SmtpServer  # the same in-process SMTP server the tests use

    instance = tempfile.mkdtemp(prefix="guichet-load-")
    if db == "postgresql":
        if database_url:
            _emptied(database_url, instance)
        else:
            database_url = _pg_scratch()
    else:
        database_url = None
    env = {**os.environ, "GUICHET_INSTANCE": instance, "GUICHET_SECRET_KEY": "load-test",
           "GUICHET_ATTEMPT_LIMITS": LIMITS}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    if workers:
        env["GUICHET_WORKERS"] = str(workers)
    smtp = SmtpServer().start()
    try:
        env["SMTP_URL"] = smtp.url
        port = free_port()
        proc = serve(env, port)
        try:
            run = drive(port, flows, concurrency, smtp.inbox)
            deadline = time.monotonic() + 90
            while (len(smtp.inbox.received) < EMAILS_PER_FLOW * len(run.flows_done)
                   and time.monotonic() < deadline):
                time.sleep(0.5)
            problems = check_rows(database_url, instance, run.flows_done,
                                  smtp_received=len(smtp.inbox.received))
        finally:
            stop(proc)
    finally:
        smtp.stop()
    return Result(db, flows, concurrency, run, problems)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(result: Result) -> None:
    run = result.run
    print(f"\n== {result.database}: {len(run.flows_done)}/{result.flows} flows, "
          f"{result.concurrency} concurrent, {run.seconds:.1f} s, "
          f"{result.flows_per_minute:.0f} flows/min (target >= {TARGET_FLOWS_PER_MINUTE}), "
          f"{len(run.errors)} errors")
    print(f"{'step':<28} {'n':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for step, values in run.timings.items():
        print(f"{step:<28} {len(values):>5} {statistics.median(values) * 1000:>8.1f} "
              f"{percentile(values, 0.95) * 1000:>8.1f}")
    for line in (run.errors + result.problems)[:20]:
        print("  !", line)


def run(flows: int = 150, concurrency: int = 20) -> list[dict]:
    rows = []
    for db in ("sqlite", "postgresql"):
        result = run_load(db, flows, concurrency)
        report(result)
        rows.append({"name": f"full applicant flows, {concurrency} concurrent, {db} "
                             f"({len(result.run.flows_done)}/{flows} ok, "
                             f"{len(result.run.errors) + len(result.problems)} errors)",
                     "value": round(result.flows_per_minute), "unit": "flows/min",
                     "target": f"≥ {TARGET_FLOWS_PER_MINUTE}, 0 errors",
                     "ok": result.ok and result.flows_per_minute >= TARGET_FLOWS_PER_MINUTE})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--flows", type=int, default=150)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    ok = True
    for db in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
        result = run_load(db, args.flows, args.concurrency, args.workers)
        report(result)
        ok = ok and result.ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

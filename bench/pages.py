"""Requests per second of the portal's pages under 16 concurrent clients, next to a bare
Flask app that returns the same HTML from a static string, both behind the same gunicorn
settings as `guichet serve`, in the same run.

Measured: a section page GET (pages are reused per dossier version, web/forms/page_cache.py;
the same GET on a second portal with that cache off is shown too), and a section POST
(ENREGISTRER: validate, save the draft with its version, redirect). Each of the 16
clients keeps one HTTP/1.1 connection (http.client, keep-alive) and, for saves, its own
dossier and version, so no save is a conflict. Clients run in 4 processes x 4 threads so
the client's GIL is not the limit; a GET client keeps the cookie the portal renews, as
a browser does. The servers run side by side and are loaded in turn, each measure
right after its baseline, in 9 short rounds; figures are medians (ratios: of the
rounds' ratios, whose lowest and highest are shown too), because this machine's speed
drifts by a fifth within a minute and stalls for seconds now and then.
Target: portal GET >= 0.5x the bare app's (issue #4), 0.45x after issue #11.
Also shown: each server's own CPU per request (Linux /proc, `server_cpu`), as a ratio
bare/portal: it moves far less than requests per second when the machine is busy.

    python bench/pages.py [--seconds 15]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# run as a script, Python put bench/ first: its queue.py would hide the standard library's
# (gunicorn imports it) and its storage.py the storage package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))
sys.path.append(str(HERE))  # for servers.py; after ROOT: bench/storage.py must not hide storage/

from dossier import FORM_SECTIONS, TYPE_ID  # noqa: E402
from servers import free_port, start, stop  # noqa: E402

CLIENTS, PROCESSES = 16, 4
ROUNDS = 9  # short rounds: a slow spell of a few seconds spoils one, not the median
PASSWORD = "bench-motdepasse"
SECTION, ANSWERS = next(iter(FORM_SECTIONS.items()))  # the first section, as posted


def alternative(answers: dict) -> dict:
    """`answers` with one answer changed (the last one ending in a digit gets the next
    digit): saved in turn with `answers`, every save changes the dossier."""
    changed = dict(answers)
    for key in reversed(list(changed)):
        value = changed[key]
        if isinstance(value, str) and value[-1:].isdigit():
            changed[key] = value[:-1] + str((int(value[-1]) + 1) % 10)
            return changed
    raise ValueError("no answer ending in a digit to change")
TARGET_GET_RATIO = 0.5


# --- servers ------------------------------------------------------------------------

def serve_bare(port: int, html_file: str) -> None:
    """A Flask app with no database and no templates, under the portal's server settings."""
    from flask import Flask, redirect

    from web.cli.server import PortalServer, server_options

    html = Path(html_file).read_text(encoding="utf-8")

    def factory() -> Flask:
        app = Flask("bare")
        app.add_url_rule("/page", "page", lambda: html)
        app.add_url_rule("/page", "save", lambda: redirect("/page"), methods=["POST"])
        return app

    PortalServer(factory, server_options("127.0.0.1", port)).run()  # same options, access log too


# --- data and session ------------------------------------------------------------------

def prepare(instance: str) -> list[str]:
    """An applicant with one dossier per client; returns the dossier numbers."""
    import storage
    from engine import load_registry
    from storage import hash_password

    registry = load_registry()
    store = storage.open_store(os.environ.get("DATABASE_URL") or None, instance,
                               registry=registry)
    profile = {"given_names": "Maria", "family_names": "Valdero", "sex": "F",
               "birth_date": "2000-01-01", "birth_city": "Paris", "birth_country": "France",
               "address_line1": "20 rue Monge", "country": "France", "city": "Paris"}
    try:
        with store.bound():
            storage.init_db()
            storage.reset_db()
            account = storage.create_account("bench@example.com", hash_password(PASSWORD),
                                             profile)
            return [storage.create_dossier(registry, account.id, TYPE_ID).number
                    for _ in range(CLIENTS)]
    finally:
        store.disconnect()


def log_in(port: int) -> tuple[str, str]:
    """(cookie, csrf token) of a logged-in session."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/connexion")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    body = urlencode({"email": "bench@example.com", "password": PASSWORD, "csrf_token": token})
    conn.request("POST", "/connexion", body, {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, response.status
    cookie = response.getheader("Set-Cookie").split(";")[0]
    conn.request("GET", "/dossiers/", headers={"Cookie": cookie})
    response = conn.getresponse()
    html = response.read().decode()
    # the first page of a session adds its CSRF secret to the session cookie
    cookie = (response.getheader("Set-Cookie") or cookie).split(";")[0]
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    conn.close()
    return cookie, token


# --- load ---------------------------------------------------------------------------------

def _client(index: int, port: int, jobs: list[dict], seconds: float,
            out: multiprocessing.Queue) -> None:
    """One process: a thread per job, each on its own keep-alive connection.

    A job: {"method", "path", "expect": status, "cookie"?: sent as is, "headers"?: more
    headers, "form"?: a POST's fields (with "version"), "json"?: a JSON body (with
    If-Match: the "version"), "json_alt"?/"form_alt"?: what every other save sends instead
    (see `alternative`), "version"?: the dossier version, +1 after each expected answer}."""
    counts = [0] * len(jobs)
    errors = [0] * len(jobs)
    versions = [job.get("version", 0) for job in jobs]
    start_at = time.monotonic() + 0.5  # all threads start together, after connecting

    def run(i: int, job: dict) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": job["cookie"]} if job.get("cookie") else {}
        headers.update(job.get("headers", {}))
        if "json" in job:
            headers["Content-Type"] = "application/json"
        elif job["method"] == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        while time.monotonic() < start_at:
            time.sleep(0.001)
        end = start_at + seconds
        while time.monotonic() < end:
            body = None
            # every other save sends the job's alternative answers, so each save changes
            # the dossier (a save changing nothing keeps its version: no write to measure)
            # at versions of the job's "alt_parity" (the parity of the version at which
            # its first answers are stored: default 1)
            odd = versions[i] % 2 == job.get("alt_parity", 1)
            if "json" in job:  # an API save: the version it was typed on as its ETag
                body = json.dumps(job["json_alt"] if odd and "json_alt" in job else job["json"])
                headers["If-Match"] = f'"{versions[i]}"'
            elif job["method"] == "POST":
                form = job["form_alt"] if odd and "form_alt" in job else job["form"]
                body = urlencode({**form, "version": versions[i]})
            try:
                conn.request(job["method"], job["path"], body, headers)
                response = conn.getresponse()
                response.read()
            except OSError:  # a timeout or a dropped connection is an error, not a pause
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            if response.status == job["expect"]:
                counts[i] += 1
                versions[i] += 1
            else:
                errors[i] += 1
            renewed = response.getheader("Set-Cookie")
            if renewed and job["method"] == "GET":
                # As a browser does: the session check re-signs the cookie once a minute,
                # and a client sending the old one would have it re-signed on every
                # request. (Saves keep theirs: a browser would follow the redirect and
                # see its notice; without that, notices would pile up in the cookie.)
                headers["Cookie"] = renewed.split(";", 1)[0]
        conn.close()

    threads = [threading.Thread(target=run, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put((index, sum(counts), sum(errors), versions))


def load(port: int, jobs: list[dict], seconds: float) -> tuple[float, int]:
    """Requests per second over all clients (and how many answers were unexpected).
    Saves carry each dossier's version on to the next call."""
    out: multiprocessing.Queue = multiprocessing.Queue()
    per = len(jobs) // PROCESSES
    parts = [jobs[k * per:(k + 1) * per] for k in range(PROCESSES)]
    procs = [multiprocessing.Process(target=_client, args=(k, port, part, seconds, out))
             for k, part in enumerate(parts)]
    for p in procs:
        p.start()
    results = {first: rest for first, *rest in (out.get(timeout=seconds + 120) for _ in procs)}
    for p in procs:
        p.join()
    for k, part in enumerate(parts):
        for job, version in zip(part, results[k][2], strict=True):
            if "version" in job:
                job["version"] = version
    return sum(r[0] for r in results.values()) / seconds, sum(r[1] for r in results.values())


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by server process `pid` and its worker
    processes (Linux /proc). Divided by the requests served, it is the server's own CPU
    per request: unlike requests per second, it does not move with what else the
    machine runs, so it compares two servers measured minutes apart."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:  # exited meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        pids.extend(int(c) for c in children)
    return total


def serve_portal(instance: str, env: dict[str, str], **extra: str):
    """`guichet serve` on a free port, on the database of `instance`: (process, port)."""
    port = free_port()
    guichet = str(Path(sys.executable).with_name("guichet"))
    proc = start([guichet, "serve", "--host", "127.0.0.1", "--port", str(port),
                  "--no-background"], {**env, **extra}, port, instance)
    return proc, port


def measure(seconds: float = 5.0, rounds: int = ROUNDS) -> dict[str, float]:
    """Every server runs throughout; each round loads each of them in turn for
    `seconds / rounds`, so a drift in the machine's speed touches all of them alike."""
    with tempfile.TemporaryDirectory(prefix="guichet-bench-") as instance:
        numbers = prepare(instance)
        env = {**os.environ, "GUICHET_INSTANCE": instance, "GUICHET_SECRET_KEY": "bench",
               "PYTHONUNBUFFERED": "1"}
        servers = []
        try:
            portal, port = serve_portal(instance, env)
            servers.append(portal)
            uncached, uncached_port = serve_portal(instance, env, GUICHET_PAGE_CACHE_SIZE="0")
            servers.append(uncached)
            cookie, token = log_in(port)
            section = [f"/dossiers/{n}/sections/{SECTION}" for n in numbers]
            conn = http.client.HTTPConnection("127.0.0.1", port)
            conn.request("GET", section[0], headers={"Cookie": cookie})
            html = conn.getresponse().read().decode()
            conn.close()
            page_file = Path(instance) / "page.html"
            page_file.write_text(html, encoding="utf-8")
            bare_port = free_port()
            bare = start([sys.executable, str(Path(__file__).resolve()), "--serve-bare",
                          str(bare_port), str(page_file)], env, bare_port, instance)
            servers.append(bare)

            gets = [{"method": "GET", "path": p, "cookie": cookie, "expect": 200}
                    for p in section]
            saves = [{"method": "POST", "path": p, "cookie": cookie, "expect": 302,
                      "version": 1, "form": {**ANSWERS, "csrf_token": token},
                      "form_alt": {**alternative(ANSWERS), "csrf_token": token}}
                     for p in section]
            bare_gets = [{"method": "GET", "path": "/page", "cookie": "", "expect": 200}
                         for _ in range(CLIENTS)]
            bare_posts = [{"method": "POST", "path": "/page", "cookie": "", "expect": 302,
                           "form": ANSWERS} for _ in range(CLIENTS)]
            # each measure right next to its baseline: a slow spell touches both
            phases = {"get": (port, gets, portal), "bare_get": (bare_port, bare_gets, bare),
                      "uncached_get": (uncached_port, gets, uncached),
                      "save": (port, saves, portal), "bare_post": (bare_port, bare_posts, bare)}
            for p, jobs, _ in phases.values():  # warm-up: templates compiled, connections open
                load(p, jobs, 0.5)
            rates: dict[str, list[float]] = {name: [] for name in phases}
            errors = dict.fromkeys(phases, 0)
            cpu = dict.fromkeys(phases, 0.0)  # server CPU seconds, and requests served
            served = dict.fromkeys(phases, 0.0)
            for _ in range(rounds):
                for name, (p, jobs, proc) in phases.items():
                    before = server_cpu(proc.pid)
                    rps, failed = load(p, jobs, seconds / rounds)
                    cpu[name] += server_cpu(proc.pid) - before
                    served[name] += rps * seconds / rounds
                    rates[name].append(rps)
                    errors[name] += failed
        finally:
            for proc in servers:
                stop(proc)
    result = {name: statistics.median(values) for name, values in rates.items()}
    for ratio, (ours, bare) in {"get_ratio": ("get", "bare_get"),
                                "uncached_ratio": ("uncached_get", "bare_get"),
                                "save_ratio": ("save", "bare_post")}.items():
        per_round = [o / b for o, b in zip(rates[ours], rates[bare], strict=True)]
        result[ratio] = statistics.median(per_round)
        result[f"{ratio}_spread"] = (min(per_round), max(per_round))
    per_request = {name: cpu[name] / served[name] * 1e6 for name in phases}  # µs
    result["cpu_us"] = per_request
    result["cpu_get_ratio"] = per_request["bare_get"] / per_request["get"]
    result["cpu_save_ratio"] = per_request["bare_post"] / per_request["save"]
    return {**result, "get_errors": errors["get"] + errors["uncached_get"],
            "save_errors": errors["save"], "html_bytes": len(html)}


def run(seconds: float = 15.0) -> list[dict]:
    m = measure(seconds)
    clean = m["get_errors"] == 0 and m["save_errors"] == 0
    return [
        {"name": f"bare Flask GET, same {m['html_bytes']} B HTML, 16 clients",
         "value": round(m["bare_get"]), "unit": "req/s", "target": "", "ok": None},
        {"name": "section page GET, 16 clients", "value": round(m["get"]), "unit": "req/s",
         "target": f">= {TARGET_GET_RATIO}x bare",
         "ok": m["get_ratio"] >= TARGET_GET_RATIO and clean, "ratio": round(m["get_ratio"], 2),
         "spread": [round(x, 2) for x in m["get_ratio_spread"]]},
        {"name": "section page GET, page cache off (GUICHET_PAGE_CACHE_SIZE=0)",
         "value": round(m["uncached_get"]), "unit": "req/s", "target": "", "ok": None,
         "ratio": round(m["uncached_ratio"], 2)},
        {"name": "bare Flask POST -> 302, 16 clients", "value": round(m["bare_post"]),
         "unit": "req/s", "target": "", "ok": None},
        {"name": "section POST (save draft) -> 302, 16 clients", "value": round(m["save"]),
         "unit": "req/s", "target": "no error", "ok": clean, "ratio": round(m["save_ratio"], 2)},
        {"name": f"server CPU per section GET (bare: {m['cpu_us']['bare_get']:.0f} us)",
         "value": round(m["cpu_us"]["get"]), "unit": "us", "target": "", "ok": None,
         "ratio": round(m["cpu_get_ratio"], 2)},
        {"name": f"server CPU per section POST (bare: {m['cpu_us']['bare_post']:.0f} us)",
         "value": round(m["cpu_us"]["save"]), "unit": "us", "target": "", "ok": None,
         "ratio": round(m["cpu_save_ratio"], 2)},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0,
                        help="per server and kind of request, split over the rounds")
    parser.add_argument("--serve-bare", nargs=2, metavar=("PORT", "HTML_FILE"))
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(int(args.serve_bare[0]), args.serve_bare[1])
        return
    rows = run(args.seconds)
    for r in rows:
        spread = f"; rounds {r['spread'][0]}-{r['spread'][1]}" if r.get("spread") else ""
        ratio = f"  ({r['ratio']}x bare{spread})" if r.get("ratio") is not None else ""
        print(f"{r['name']:<52} {r['value']:>7} {r['unit']}{ratio}  {r['target']}"
              f"{'  OK' if r['ok'] else '  NOT MET' if r['ok'] is False else ''}")


if __name__ == "__main__":
    main()

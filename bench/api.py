"""Requests per second of the JSON API (issue #18) under 16 concurrent clients, next to a
bare Flask app answering the same JSON from a static string, both behind the same
gunicorn settings as `guichet serve`, in the same run.

Measured: GET of a section (`GET /api/v1/dossiers/<number>/sections/<id>`: bearer token
checked, dossier read, answers and their errors in JSON, ETag) and PUT of a section
(If-Match, the pages' save path, the new Section and ETag). The bare app answers the
same bytes to GET, and parses the JSON body of a PUT before answering them again. Each
of the 16 clients keeps one keep-alive connection and, for saves, its own dossier and
version (If-Match), so no save is a conflict. The load itself is bench/pages.py's (4
processes x 4 threads, 9 short rounds, each measure right after its baseline, figures
are medians, ratios the median of the rounds' ratios with their lowest and highest).
Targets (issue #18): GET >= 0.5x the bare app, PUT >= 0.3x.

    python bench/api.py [--seconds 15]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# run as a script, Python put bench/ first: its queue.py would hide the standard library's
# (gunicorn imports it) and its storage.py the storage package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))
sys.path.append(str(HERE))  # for pages.py; after ROOT: bench/storage.py must not hide storage/

from dossier import SECTIONS  # noqa: E402
from pages import (  # noqa: E402
    CLIENTS,
    ROUNDS,
    alternative,
    load,
    prepare,
    serve_portal,
    server_cpu,
)
from servers import free_port, start, stop  # noqa: E402

TARGET_GET_RATIO = 0.5
TARGET_PUT_RATIO = 0.3
SECTION, ANSWERS = next(iter(SECTIONS.items()))  # the first section, answers as stored
TOKEN_SECONDS = 3600  # the access tokens outlive any run


def serve_bare(port: int, json_file: str) -> None:
    """A Flask app with no database: the same JSON for GET, and for PUT once its body is
    read as JSON, under the portal's server settings."""
    from flask import Flask, Response, request

    from web.cli.server import PortalServer, server_options

    body = Path(json_file).read_text(encoding="utf-8")

    def factory() -> Flask:
        app = Flask("bare")

        def get() -> Response:
            return Response(body, mimetype="application/json", headers={"ETag": '"1"'})

        def put() -> Response:
            request.get_json()
            return get()

        app.add_url_rule("/section", "get", get)
        app.add_url_rule("/section", "put", put, methods=["PUT"])
        return app

    PortalServer(factory, server_options("127.0.0.1", port)).run()


def bearer(instance: str) -> str:
    """An access token of bench/pages.py's applicant (its dossiers: `prepare`)."""
    import storage

    store = storage.open_store(os.environ.get("DATABASE_URL") or None, instance)
    try:
        with store.bound():
            account = storage.find_account_by_email("bench@example.com")
            return storage.issue_tokens(account.id, TOKEN_SECONDS, TOKEN_SECONDS).access_token
    finally:
        store.disconnect()


def _call(conn: http.client.HTTPConnection, method: str, path: str, headers: dict[str, str],
          body: str | None = None) -> tuple[int, str]:
    """(ETag's version, body) of an expected 200; RuntimeError for any other answer."""
    conn.request(method, path, body, headers)
    response = conn.getresponse()
    text = response.read().decode()
    if response.status != 200:
        raise RuntimeError(f"{method} {path}: {response.status} {text[:500]}")
    return int(response.getheader("ETag").strip('"')), text


def answered(port: int, paths: list[str], headers: dict[str, str]) -> tuple[int, str]:
    """Each section of `paths` answered once through the API (GETs then read a filled
    section): (the dossiers' version now, the JSON a GET of one answers)."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    try:
        for path in paths:
            version, _ = _call(conn, "GET", path, headers)
            _call(conn, "PUT", path, {**headers, "If-Match": f'"{version}"',
                                      "Content-Type": "application/json"},
                  json.dumps({"answers": ANSWERS}))
        return _call(conn, "GET", paths[0], headers)
    finally:
        conn.close()


def measure(seconds: float = 5.0, rounds: int = ROUNDS) -> dict:
    """The portal and the bare app run throughout; each round loads each in turn for
    `seconds / rounds` (GET then PUT, each right after its baseline)."""
    with tempfile.TemporaryDirectory(prefix="guichet-bench-api-") as instance:
        numbers = prepare(instance)
        headers = {"Authorization": f"Bearer {bearer(instance)}"}
        env = {**os.environ, "GUICHET_INSTANCE": instance, "GUICHET_SECRET_KEY": "bench",
               "PYTHONUNBUFFERED": "1"}
        servers = []
        try:
            portal, port = serve_portal(instance, env)
            servers.append(portal)
            paths = [f"/api/v1/dossiers/{n}/sections/{SECTION}" for n in numbers]
            version, text = answered(port, paths, headers)
            json_file = Path(instance) / "section.json"
            json_file.write_text(text, encoding="utf-8")
            bare_port = free_port()
            bare = start([sys.executable, str(Path(__file__).resolve()), "--serve-bare",
                          str(bare_port), str(json_file)], env, bare_port, instance)
            servers.append(bare)

            body = {"answers": ANSWERS}
            gets = [{"method": "GET", "path": p, "headers": headers, "expect": 200}
                    for p in paths]
            body_alt = {"answers": alternative(ANSWERS)}
            puts = [{"method": "PUT", "path": p, "headers": headers, "expect": 200,
                     "json": body, "json_alt": body_alt, "version": version,
                     "alt_parity": version % 2} for p in paths]
            bare_gets = [{"method": "GET", "path": "/section", "headers": headers,
                          "expect": 200} for _ in range(CLIENTS)]
            bare_puts = [{"method": "PUT", "path": "/section", "headers": headers,
                          "expect": 200, "json": body, "json_alt": body_alt,
                          "version": version}
                         for _ in range(CLIENTS)]
            phases = {"get": (port, gets, portal), "bare_get": (bare_port, bare_gets, bare),
                      "put": (port, puts, portal), "bare_put": (bare_port, bare_puts, bare)}
            for p, jobs, _ in phases.values():  # warm-up: connections open, caches filled
                load(p, jobs, 0.5)
            rates: dict[str, list[float]] = {name: [] for name in phases}
            errors = dict.fromkeys(phases, 0)
            cpu = dict.fromkeys(phases, 0.0)
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
    result: dict = {name: statistics.median(values) for name, values in rates.items()}
    for ratio, (ours, baseline) in {"get_ratio": ("get", "bare_get"),
                                    "put_ratio": ("put", "bare_put")}.items():
        per_round = [o / b for o, b in zip(rates[ours], rates[baseline], strict=True)]
        result[ratio] = statistics.median(per_round)
        result[f"{ratio}_spread"] = (min(per_round), max(per_round))
    result["cpu_us"] = {name: cpu[name] / served[name] * 1e6 if served[name] else 0.0
                        for name in phases}
    return {**result, "get_errors": errors["get"], "put_errors": errors["put"],
            "bare_errors": errors["bare_get"] + errors["bare_put"], "json_bytes": len(text)}


def run(seconds: float = 15.0) -> list[dict]:
    m = measure(seconds)
    clean = m["get_errors"] == 0 and m["put_errors"] == 0 and m["bare_errors"] == 0
    cpu = m["cpu_us"]
    return [
        {"name": f"bare Flask GET, same {m['json_bytes']} B JSON, 16 clients",
         "value": round(m["bare_get"]), "unit": "req/s", "target": "", "ok": None},
        {"name": "API section GET, 16 clients", "value": round(m["get"]), "unit": "req/s",
         "target": f">= {TARGET_GET_RATIO}x bare",
         "ok": m["get_ratio"] >= TARGET_GET_RATIO and clean, "ratio": round(m["get_ratio"], 2),
         "spread": [round(x, 2) for x in m["get_ratio_spread"]]},
        {"name": "bare Flask PUT (JSON body read), 16 clients", "value": round(m["bare_put"]),
         "unit": "req/s", "target": "", "ok": None},
        {"name": "API section PUT (If-Match, saved), 16 clients", "value": round(m["put"]),
         "unit": "req/s", "target": f">= {TARGET_PUT_RATIO}x bare",
         "ok": m["put_ratio"] >= TARGET_PUT_RATIO and clean, "ratio": round(m["put_ratio"], 2),
         "spread": [round(x, 2) for x in m["put_ratio_spread"]]},
        {"name": f"server CPU per API section GET (bare: {cpu['bare_get']:.0f} us)",
         "value": round(cpu["get"]), "unit": "us", "target": "", "ok": None},
        {"name": f"server CPU per API section PUT (bare: {cpu['bare_put']:.0f} us)",
         "value": round(cpu["put"]), "unit": "us", "target": "", "ok": None},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0,
                        help="per server and kind of request, split over the rounds")
    parser.add_argument("--serve-bare", nargs=2, metavar=("PORT", "JSON_FILE"))
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(int(args.serve_bare[0]), args.serve_bare[1])
        return
    for r in run(args.seconds):
        spread = f"; rounds {r['spread'][0]}-{r['spread'][1]}" if r.get("spread") else ""
        ratio = f"  ({r['ratio']}x bare{spread})" if r.get("ratio") is not None else ""
        print(f"{r['name']:<52} {r['value']:>7} {r['unit']}{ratio}  {r['target']}"
              f"{'  OK' if r['ok'] else '  NOT MET' if r['ok'] is False else ''}")


if __name__ == "__main__":
    main()

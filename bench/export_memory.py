"""Does an export of submitted dossiers stream in constant memory?

Bulk-loads N submitted dossiers of the benchmarks' type (bench/dossier.yaml: its
answers as each one's snapshot) into a scratch SQLite database, then exports them
(storage.export_dossiers, as `guichet export` does) in a fresh process per format and
size, writing the bytes nowhere, and reports that process's peak resident memory
(ru_maxrss) at 10,000 and at 100,000 dossiers. Constant memory: the peak at 100,000
stays within TARGET_RATIO of the peak at 10,000 (the rows are read 500 at a time;
XLSX goes through a temporary file).

    python bench/export_memory.py                  # 10,000 and 100,000, every format
    python bench/export_memory.py csv              # some formats
    BENCH_EXPORT_SIZES=1000,5000 python bench/export_memory.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)  # run as a script: `import storage` must not find this file
sys.path.append(str(ROOT / "bench"))  # for dossier.py, after storage/

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402

from dossier import ANSWERS, TYPE_ID  # noqa: E402

import storage  # noqa: E402
from engine import load_registry  # noqa: E402
from storage.orm.db import database  # noqa: E402

SIZES = tuple(int(n) for n in os.environ.get("BENCH_EXPORT_SIZES", "10000,100000").split(","))
FORMATS = ("csv", "xlsx", "json")
TARGET_RATIO = 1.2  # peak RSS at the largest size / at the smallest
COLUMNS = ("number", "type_id", "definition_version", "status", "answers", "created_at",
           "deadline", "version", "submitted_at", "snapshot", "given_names", "family_names",
           "sex")


def submitted_state(registry: object) -> tuple[int, str]:
    """The benchmarks' type's version and a state that is not editable (submitted)."""
    d = registry.get(TYPE_ID).definition
    return d.version, next(s for s, state in d.workflow.states.items() if not state.editable)


def seed(start: int, stop: int, version: int, state: str) -> None:
    """Submitted dossiers `start` to `stop` (their numbers), inserted with plain SQL
    (executemany) in one go."""
    now = storage.clock.now().replace(tzinfo=None)
    snapshot = json.dumps({"answers": ANSWERS}, ensure_ascii=False)
    rows = ((f"X{i:010d}", TYPE_ID, version, state, "{}",
             (now - timedelta(seconds=i)).isoformat(" "),
             (now + timedelta(days=90)).date().isoformat(), 1, now.isoformat(" "), snapshot,
             "", "", "")
            for i in range(start, stop))
    with storage.db_session:
        cursor = database().get_connection().cursor()
        cursor.executemany(f"INSERT INTO dossier ({', '.join(COLUMNS)}) VALUES "
                           f"({', '.join('?' * len(COLUMNS))})", rows)


def child(folder: str, fmt: str) -> None:
    """In the measured process: export every dossier as `fmt`, print one JSON line."""
    registry = load_registry()
    store = storage.open_store(None, folder, registry=registry)
    with store.bound():
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        size = 0
        for chunk in storage.export_dossiers(TYPE_ID, None, None, fmt, True, "bench", None):
            size += len(chunk)
        seconds = time.perf_counter() - started
    store.disconnect()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"before_kb": before, "peak_kb": peak, "bytes": size,
                      "seconds": round(seconds, 2)}))


def measure(folder: str, fmt: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", folder, fmt], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run(formats: list[str] | None = None) -> list[dict]:
    registry = load_registry()
    version, state = submitted_state(registry)
    folder = tempfile.mkdtemp(prefix="guichet-bench-export-")
    rows: list[dict] = []
    peaks: dict[tuple[str, int], int] = {}
    try:
        store = storage.open_store(None, folder, registry=registry)
        with store.bound():
            storage.init_db()
            seeded = 0
            for size in sorted(SIZES):
                seed(seeded, size, version, state)
                seeded = size
                store.disconnect()
                for fmt in formats or FORMATS:
                    m = measure(folder, fmt)
                    peaks[fmt, size] = m["peak_kb"]
                    small = peaks.get((fmt, min(SIZES)))
                    ratio = round(m["peak_kb"] / small, 2) if size != min(SIZES) else None
                    rows.append({
                        "name": f"SQLite: export {size:,} dossiers as {fmt}, peak RSS "
                                f"({m['bytes'] / 1e6:.1f} MB in {m['seconds']} s; "
                                f"{m['before_kb'] / 1024:.0f} MB before the export)",
                        "value": round(m["peak_kb"] / 1024, 1), "unit": "MB", "ratio": ratio,
                        "target": "" if ratio is None else
                        f"≤ {TARGET_RATIO}× the {min(SIZES):,} figure",
                        "ok": ratio is None or ratio <= TARGET_RATIO})
        store.disconnect()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return rows


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        child(argv[1], argv[2])
        return 0
    rows = run(argv or None)
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        ratio = f"{r['ratio']}×" if r.get("ratio") is not None else ""
        flag = "" if r["ok"] else "  <-- NOT MET"
        print(f"{r['name']:<{width}}  {r['value']:>8} {r['unit']}  {ratio:>6}  "
              f"{r['target']}{flag}")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Run every benchmark of bench/ and print one table; write it to bench/RESULTS.md.

Each benchmark module exposes `run() -> list[dict]` with rows
{name, value, unit, target, ok[, ratio]}; this script only collects them, so a
figure is always measured by the same code that prints it on its own.

    python bench/run.py            # everything
    python bench/run.py validate pdf   # some of them
"""

from __future__ import annotations

import importlib.util
import os
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["validate", "storage", "pages", "api", "pdf", "load", "scale", "export_memory", "queue"]
ISSUE = {"validate": "#2 engine", "storage": "#3 storage", "pages": "#4 portal", "api": "#18 API",
         "pdf": "#5 documents", "load": "#6 load", "scale": "#15 scale",
         "export_memory": "#17 exports", "queue": "#17 queue"}


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    sys.path.insert(0, str(HERE.parent))
    spec.loader.exec_module(module)
    return module


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, " \
           f"{platform.system()} {platform.release()}"


def main(names: list[str]) -> int:
    rows: list[tuple[str, dict]] = []
    for name in names or ORDER:
        if not (HERE / f"{name}.py").exists():
            rows.append((name, {"name": f"{name}: no benchmark yet", "value": "", "unit": "",
                                "target": "", "ok": False}))
            continue
        started = time.perf_counter()
        try:
            for row in _load(name).run():
                rows.append((name, row))
        except Exception as exc:  # one broken benchmark must not hide the others
            traceback.print_exc()
            rows.append((name, {"name": f"{name} failed: {exc}", "value": "", "unit": "",
                                "target": "", "ok": False}))
        print(f"[{name}] {time.perf_counter() - started:.0f} s", file=sys.stderr)
    table = render(rows)
    print(table)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    notes = (HERE / "NOTES.md").read_text() if (HERE / "NOTES.md").exists() else ""
    (HERE / "RESULTS.md").write_text(
        f"# Benchmark results\n\n{stamp} — {_machine()}\n\n"
        f"Reproduce with `.venv/bin/python bench/run.py` (each `bench/<name>.py` also runs "
        f"alone).\n\n{table}\n\n{notes}"
    )
    return 0 if all(r.get("ok") is not False for _, r in rows) else 1


def render(rows: list[tuple[str, dict]]) -> str:
    lines = ["| issue | measure | figure | ratio | target | met |", "|---|---|---|---|---|---|"]
    for bench, r in rows:
        ratio = f"{r['ratio']}×" if r.get("ratio") is not None else ""
        met = {True: "yes", False: "**no**", None: ""}[r.get("ok")]
        lines.append(f"| {ISSUE.get(bench, bench)} | {r['name']} | {r['value']} {r['unit']} "
                     f"| {ratio} | {r['target']} | {met} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

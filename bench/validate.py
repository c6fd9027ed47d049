"""How fast are applicants' answers validated, and definitions compiled?

Reports the median microseconds to validate one full dossier (bench/dossier.yaml:
clean + validate) with the validators compiled at start-up, next to
the same call with the validator rebuilt for every call, and next to the
pure-Python jsonschema library on the same compiled schema; plus the time to
load, check and compile every file of forms/; and the time to load, check and compile 20
versions of the type (its forms/ file with `version:` rewritten 1..20), which is what a
process pays once when dossiers are pinned to that many published versions (issue 14:
each compiled once per process, never per request; target ≤ 1 s).

    python bench/validate.py
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable

import jsonschema
from dossier import ANSWERS, TYPE_ID

from engine import clean, convert_text, load_registry, validate
from engine.compile import compile_definition
from engine.pipeline import forms_dir

VERSIONS = 20  # published versions of one type a process may have to compile


def median_us(call: Callable[[], object], repeat: int = 7, number: int = 2000) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            call()
        samples.append((time.perf_counter() - start) / number * 1e6)
    return statistics.median(samples)


def dossier_validate_us() -> float:
    """Median µs to validate the full bench dossier (bench/dossier.yaml: clean + validate)
    with the validators compiled at start-up: the issue #2 figure (≤ 20 µs), also shown
    by bench/scale.py."""
    compiled = load_registry()[TYPE_ID]
    assert validate(compiled, ANSWERS) == []
    return median_us(lambda: validate(compiled, ANSWERS))


def versions_ms(type_id: str, count: int = VERSIONS) -> float:
    """Milliseconds to load, check and compile `count` versions of forms/<type_id>.yaml,
    each its text with `version:` set to 1..count (as published versions would be)."""
    text = (forms_dir() / f"{type_id}.yaml").read_text(encoding="utf-8")
    texts = [re.sub(r"(?m)^version:.*$", f"version: {n}", text, count=1)
             for n in range(1, count + 1)]
    start = time.perf_counter()
    results = [convert_text(t, f"{type_id} version {n}") for n, t in enumerate(texts, 1)]
    elapsed = (time.perf_counter() - start) * 1000
    assert all(r.ok for r in results), [str(e) for r in results for e in r.errors]
    assert sorted(r.compiled.definition.version for r in results) == list(range(1, count + 1))
    return elapsed


def run() -> list[dict]:
    start = time.perf_counter()
    registry = load_registry()
    startup_ms = (time.perf_counter() - start) * 1000
    compiled = registry[TYPE_ID]
    assert validate(compiled, ANSWERS) == []

    compiled_us = dossier_validate_us()
    rebuilt_us = median_us(lambda: validate(compile_definition(compiled.definition), ANSWERS),
                           number=50)
    py_validator = jsonschema.Draft202012Validator(
        compiled.schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    cleaned = clean(compiled, ANSWERS)
    pure_python_us = median_us(lambda: py_validator.is_valid(cleaned), number=200)
    versions = versions_ms(TYPE_ID)
    return [
        {"name": "validate one full dossier, compiled validators (jsonschema-rs)",
         "value": round(compiled_us, 1), "unit": "µs", "target": "≤ 20 µs",
         "ok": compiled_us <= 20},
        {"name": "validate one full dossier, validators rebuilt per call",
         "value": round(rebuilt_us, 1), "unit": "µs", "target": "baseline",
         "ok": None, "ratio": round(rebuilt_us / compiled_us, 1)},
        {"name": "same schema with pure-Python jsonschema (is_valid only)",
         "value": round(pure_python_us, 1), "unit": "µs", "target": "baseline",
         "ok": None, "ratio": round(pure_python_us / compiled_us, 1)},
        {"name": f"load+check+compile all forms/ ({len(registry)} types)",
         "value": round(startup_ms, 1), "unit": "ms", "target": "≤ 100 ms",
         "ok": startup_ms <= 100},
        {"name": f"load+check+compile {VERSIONS} versions of the dossier type",
         "value": round(versions, 1), "unit": "ms", "target": "≤ 1000 ms",
         "ok": versions <= 1000},
    ]


def print_table(rows: list[dict]) -> None:
    for r in rows:
        ratio = f"  ({r['ratio']}× slower)" if "ratio" in r else ""
        verdict = {True: "OK", False: "MISSED", None: ""}[r["ok"]]
        print(f"{r['name']:<62} {r['value']:>9} {r['unit']:<3} {r['target']:<10} "
              f"{verdict}{ratio}")


if __name__ == "__main__":
    print_table(run())

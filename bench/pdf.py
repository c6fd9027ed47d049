"""How long does one recap PDF take through the project, next to WeasyPrint alone?

The project's path: build the recap model in both languages (as a submission
freezes it), render the document's HTML from the definition, then WeasyPrint.
The baseline: WeasyPrint rendering the very same HTML string, in the same run.
Target: at most 1.15x the baseline.

    python bench/pdf.py
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import weasyprint

# the project's packages first: bench/storage.py would otherwise shadow `storage`
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))  # for dossier.py

from dossier import ANSWERS, TYPE_ID  # noqa: E402

from engine import load_registry  # noqa: E402
from engine.recap import build_recap  # noqa: E402
from web.background.pdf import recap_html, recap_pdf  # noqa: E402

PROFILE = {
    "given_names": "Maria", "family_names": "Valdero", "sex": "F", "birth_date": "2000-01-01",
    "birth_city": "Paris", "birth_country": "France", "email": "maria@example.org",
    "address_line1": "20 rue Monge", "country": "France", "city": "Paris",
    "postal_code": "75005", "phone_home_code": "33", "phone_home": "55555555",
}


def median_ms(call: Callable[[], object], repeat: int = 9) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def run() -> list[dict]:
    compiled = load_registry()[TYPE_ID]
    definition = compiled.definition
    document = next(iter(definition.documents.values()))

    def through_project() -> bytes:
        snapshot = {
            "profile": PROFILE, "number": "G2600000001",
            "submitted_at": "2026-11-26T20:20:00+00:00",
            "recap": {lang: dataclasses.asdict(build_recap(compiled, ANSWERS, lang))
                      for lang in ("fr", "en")},
        }
        return recap_pdf(definition, document, snapshot, "fr")

    snapshot = {"profile": PROFILE, "number": "G2600000001",
                "submitted_at": "2026-11-26T20:20:00+00:00",
                "recap": {lang: dataclasses.asdict(build_recap(compiled, ANSWERS, lang))
                          for lang in ("fr", "en")}}
    html = recap_html(definition, document, snapshot, "fr")
    # Alternate the two call by call so that machine noise hits both alike.
    through_project()
    weasyprint.HTML(string=html).write_pdf()
    ours, bare = [], []
    for _ in range(15):
        ours.append(median_ms(through_project, repeat=1))
        bare.append(median_ms(lambda: weasyprint.HTML(string=html).write_pdf(), repeat=1))
    ours_ms, bare_ms = statistics.median(ours), statistics.median(bare)
    ratio = ours_ms / bare_ms
    return [
        {"name": "recap PDF through the project", "value": round(ours_ms, 1), "unit": "ms",
         "target": "≤ 1.15× WeasyPrint", "ok": ratio <= 1.15, "ratio": round(ratio, 2)},
        {"name": "same HTML, WeasyPrint alone (baseline)", "value": round(bare_ms, 1),
         "unit": "ms", "target": "baseline", "ok": None},
    ]


if __name__ == "__main__":
    for row in run():
        ratio = f"  ratio {row['ratio']}×" if "ratio" in row else ""
        verdict = {True: "OK", False: "MISSED", None: ""}[row["ok"]]
        print(f"{row['name']:<45} {row['value']:>8} {row['unit']:<3} {row['target']:<20} "
              f"{verdict}{ratio}")

"""bench/export_memory.py runs end to end in a small form: it seeds, exports in a child
process and reports a peak RSS and a ratio (the benchmark must not rot)."""

from __future__ import annotations

from tests.bench_modules import load_bench


def test_export_memory_bench__small_sizes__rows_with_peak_and_ratio(monkeypatch):
    bench = load_bench("export_memory")
    monkeypatch.setattr(bench, "SIZES", (50, 120))
    rows = bench.run(["csv"])
    assert [r["ratio"] is None for r in rows] == [True, False]
    assert all(r["unit"] == "MB" and r["value"] > 10 for r in rows)
    assert "export 120 dossiers as csv" in rows[1]["name"]

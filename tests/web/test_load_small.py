"""The load test of bench/load.py in a small form: 3 applicants at once, 6 full flows
(each applicant's second flow runs while the others' do too), against `guichet serve`
itself, then every row they wrote checked."""

from __future__ import annotations

from tests.bench_modules import load_bench
from tests.databases import database_url, is_postgres


def test_full_flows__3_concurrent_6_flows__every_row_there_zero_errors():
    load = load_bench("load")
    url = database_url()
    db = "postgresql" if is_postgres(url) else "sqlite"  # sqlite:///...: a new file too
    result = load.run_load(db, flows=6, concurrency=3, workers=2,
                           database_url=url if db == "postgresql" else None)
    assert result.run.errors == []
    assert result.problems == []
    assert len(result.run.flows_done) == 6
    assert len(set(result.run.flows_done)) == 6
    steps = result.run.timings
    assert len(steps["submit"]) == 6 and len(steps["download_pdf"]) == 6

"""The API benchmark (bench/api.py) in a tiny form: `guichet serve` and the bare app
started, 16 clients for a fraction of a second each, every answer the expected one, so
the benchmark cannot rot unnoticed."""

from __future__ import annotations

from tests.bench_modules import load_bench


def test_api_bench__tiny_run__every_get_and_put_answered_200():
    bench = load_bench("api")
    m = bench.measure(seconds=0.4, rounds=1)
    assert (m["get_errors"], m["put_errors"], m["bare_errors"]) == (0, 0, 0)
    assert min(m["get"], m["put"], m["bare_get"], m["bare_put"]) > 0
    assert m["json_bytes"] > 100  # a section with its answers, not an error

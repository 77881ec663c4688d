"""A short run of the benchmark (the real one is tests/bench, by hand): it must lose nothing."""

import pytest

from tests.bench.bench_telemetry import full_path, mqtt_ceiling

pytestmark = pytest.mark.e2e


def test_benchmark_smoke_measures_and_loses_nothing(platform):
    ceiling = mqtt_ceiling(platform, messages=2000)
    result = full_path(platform, rate=500, duration=4, devices=10)
    assert ceiling > 0
    assert result["published"] == 2000
    assert result["lost"] == 0
    assert result["not_acked"] == 0
    assert result["latency_samples"] > 0

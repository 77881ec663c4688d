"""A short run of the alerting benchmark (the real one is tests/bench, by hand): every expected
notification reaches the webhook, signed, and the evaluator's own measurement runs."""

import uuid

import pytest

from tests.bench.alerting_fleet import AlertingFleet
from tests.bench.bench_alerting import evaluator_capacity, run_alerting

pytestmark = pytest.mark.e2e


def test_alerting_benchmark_smoke_delivers_every_expected_notification(platform):
    fleet = AlertingFleet(
        f"smoke{uuid.uuid4().hex[:8]}", devices=20, rules=20, rate=20, duration_s=24, warmup_s=4
    )
    result = run_alerting(platform, fleet)
    assert result["published"] == result["acked_by_broker"] == 480
    assert result["notifications_expected"] == 12  # 2 faulty devices, 3 + 3 rules, raise + clear
    assert result["notifications_received"] == 12
    assert result["lost"] == result["unexpected"] == result["bad_signatures"] == 0
    assert result["by_kind"] == {"raised": 6, "cleared": 6}
    assert result["latency_p99_ms"] is not None
    assert result["latency_p99_ms"] > 0
    evaluator = evaluator_capacity(platform, fleet, seconds=1)
    assert evaluator["readings"] >= 20
    assert evaluator["rule_evaluations"] > evaluator["readings"]

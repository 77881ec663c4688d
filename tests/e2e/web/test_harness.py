"""The harness can fail: a console error or a lost request makes a flow unclean, and a flow that
throws exits 1 with its error recorded."""

from __future__ import annotations

import pytest

from tests.e2e.web.harness import FlowRunner

pytestmark = pytest.mark.e2e


def test_a_console_error_and_a_failed_request_make_a_flow_unclean(flows: FlowRunner) -> None:
    result = flows.run("harness-check", mode="noisy")
    assert result.returncode == 0, result.output
    assert result.facts == {"done": True}
    assert any("an error on purpose" in e for e in result.observations["console_errors"])
    assert any("127.0.0.1:9/" in r for r in result.observations["failed_requests"])
    with pytest.raises(AssertionError):
        result.assert_clean()


def test_a_flow_that_throws_exits_1_with_its_error(flows: FlowRunner) -> None:
    result = flows.run("harness-check", mode="throws")
    assert result.returncode == 1
    assert "failing on purpose" in result.observations["error"]
    assert result.observations["steps"][-1] == {"name": "a step that fails", "ok": False}
    with pytest.raises(AssertionError, match="failing on purpose"):
        result.assert_clean()

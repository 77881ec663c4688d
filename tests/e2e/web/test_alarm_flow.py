"""A simulated fault raises an alarm, end to end and watched in the browser: the simulator's
device (onboarded by ``iotsphere simulate --register-as``, running the device agent as itself)
publishes healthy readings, then its fault plan's spike → broker → bridge → ingest → evaluate
alerts → alarm. Fleet status shows the device online and nothing alarming, then the alarm rising;
the operator acknowledges it in Alerts and a viewer sees no controls. The API confirms who
acknowledged and when."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from iotsphere.local.stack import Stack
from iotsphere.services.identity.ports import IdentityPorts
from iotsphere.simulator.fleet import FleetOptions, build_fleet
from iotsphere.simulator.signals import expected_metrics
from tests.e2e.api.client import ApiClient
from tests.e2e.web.devices import wait_for_status
from tests.e2e.web.harness import FlowRunner, WebOrganization, web_organization
from tests.e2e.web.simulated import run_started, simulating

pytestmark = pytest.mark.e2e

SEED = 7
FAULT_AT_S = 30  # the device is online and watched on screen well before its fault
SPIKE = 80.0  # what the fault adds to every temperature reading while it lasts
FAULT_S = 300  # longer than the flow: the alarm stays active while it is acknowledged


@pytest.fixture
def alarm_org(identity: IdentityPorts, api: ApiClient) -> WebOrganization:
    """An organization of its own: fleet status counts this test's device only."""
    return web_organization(identity, api, "Web alarms")


def test_a_simulated_fault_raises_an_alarm_the_operator_acknowledges_in_the_browser(
    flows: FlowRunner, alarm_org: WebOrganization, platform: Stack, tmp_path: Path
) -> None:
    operator = alarm_org.org.operator
    prefix = f"webal{uuid.uuid4().hex[:6]}"
    (simulated,) = build_fleet(FleetOptions(1, prefix, SEED), time.time())
    device_id = simulated.device_id
    base = expected_metrics(simulated.profile, time.time())["temperature"]
    rule_id = f"web-hot-{uuid.uuid4().hex[:6]}"
    hot = {"type": "threshold", "op": "above", "set": round(base + 25, 1),
           "clear": round(base + 15, 1)}  # fmt: skip
    rule = {
        "name": "Too hot (web e2e)",
        "scope": {"kind": "device", "value": device_id},
        "metric": "temperature",
        "severity": "major",
        "condition": hot,  # healthy noise stays far below it, the spike far above
        "lateness_s": 0,
    }
    saved = operator.put(f"/v1/rules/{rule_id}", json=rule)
    assert saved.status_code == 200, saved.text
    plan = [{"device": device_id, "kind": "spike", "start_s": FAULT_AT_S,
             "duration_s": FAULT_S, "size": SPIKE}]  # fmt: skip

    def alarms() -> list[dict[str, Any]]:
        answer = operator.get("/v1/alarms", params={"rule_id": rule_id, "status": "any"})
        assert answer.status_code == 200, answer.text
        return list(answer.json()["items"])

    inputs = {"device_id": device_id, "device_name": device_id, "rule_id": rule_id}
    with flows.for_org(alarm_org).running("alarm-ack", deadline_s=240, **inputs) as flow:
        flow.wait_for("watching")  # signed in, fleet status on screen, the device not yet made
        with simulating(
            platform, alarm_org.emails["admin"], prefix, tmp_path,
            devices=1, seed=SEED, fault_plan=plan,
        ):  # fmt: skip
            wait_for_status(operator, device_id, "online", timeout=90)
            flow.send("online")
            flow.wait_for("seen_online")
            alarms_when_seen_online = alarms()
            flow.wait_for("seen_alarm")
            seen_alarm_at = datetime.now(tz=UTC)
            result = flow.finish()
        started = run_started(tmp_path)
    result.assert_clean()
    facts = result.facts

    assert alarms_when_seen_online == [], "the fault came before the screen showed the device"
    assert facts["before"] == {"online": 1, "alarming": 0}
    assert facts["alarming"] == 1
    assert device_id in facts["fleet_row"]
    assert "major" in facts["fleet_row"]
    assert facts["acknowledged_badge"] is True
    assert any("Acknowledged by operator" in line for line in facts["history"])
    assert facts["viewer_buttons"] == 0

    (alarm,) = alarms()
    me = operator.get("/v1/me").json()
    assert (alarm["device_id"], alarm["status"]) == (device_id, "acknowledged")
    raised_at = datetime.fromisoformat(alarm["raised_at"])
    fault_from = started + timedelta(seconds=FAULT_AT_S)
    assert fault_from <= raised_at < fault_from + timedelta(seconds=FAULT_S)
    assert alarm["acknowledged"] is True
    assert alarm["acknowledged_by"] == me["id"]
    acknowledged_at = datetime.fromisoformat(alarm["acknowledged_at"])
    assert seen_alarm_at - timedelta(seconds=1) <= acknowledged_at <= datetime.now(tz=UTC)

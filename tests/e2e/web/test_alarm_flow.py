"""A device fault raises an alarm, end to end: agent → broker → bridge → ingest → evaluate alerts
→ alarm; in the browser fleet status shows the device alarming, the operator acknowledges the
alarm in Alerts, and a viewer sees no controls. The API confirms who acknowledged."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.fleet import wait_until
from tests.e2e.web.devices import Onboarded, OnlineDevice, wait_for_status
from tests.e2e.web.harness import FlowRunner, WebOrganization

pytestmark = pytest.mark.e2e


def test_a_fault_alarms_and_the_operator_acknowledges_it_in_the_browser(
    flows: FlowRunner, web_org: WebOrganization, new_device: Onboarded
) -> None:
    operator = web_org.org.operator
    rule_id = f"web-hot-{uuid.uuid4().hex[:6]}"
    rule = {
        "name": "Too hot (web e2e)",
        "scope": {"kind": "device", "value": new_device.id},
        "metric": "temperature",
        "severity": "major",
        "condition": {"type": "threshold", "op": "above", "set": 80, "clear": 70},
        "lateness_s": 0,
    }
    saved = operator.put(f"/v1/rules/{rule_id}", json=rule)
    assert saved.status_code == 200, saved.text

    def open_alarm() -> list[dict[str, object]]:
        answer = operator.get("/v1/alarms", params={"device_id": new_device.id, "rule_id": rule_id})
        assert answer.status_code == 200, answer.text
        return list(answer.json()["items"])

    with OnlineDevice(new_device) as device:
        wait_for_status(operator, device.id, "online")

        def faulted() -> bool:
            device.publish(temperature=95.0)  # the fault, again until the rule cache has the rule
            return bool(open_alarm())

        assert wait_until(faulted, 60), "the fault raised no alarm"
        result = flows.run(
            "alarm-ack",
            device_id=device.id,
            device_name=new_device.name,
            rule_id=rule_id,
        )
    result.assert_clean()
    assert result.facts["alarming"] >= 1
    assert "major" in result.facts["fleet_row"]
    assert result.facts["acknowledged_badge"] is True
    assert any("Acknowledged by operator" in line for line in result.facts["history"])
    assert result.facts["viewer_buttons"] == 0

    (alarm,) = open_alarm()
    me = operator.get("/v1/me").json()
    assert alarm["acknowledged"] is True
    assert alarm["acknowledged_by"] == me["id"]

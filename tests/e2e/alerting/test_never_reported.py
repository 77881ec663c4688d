"""A pump registered in the organization that never sends anything raises its heartbeat alarm
through the served API: the rule's save starts counting its silence, the missing-data sweep (the
test's own, not to wait for the runner's minute) raises it once the timeout has passed, and the
alarm is listed with the moment the silence reached the timeout."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.bootstrap import connect_mongo
from iotsphere.services.alerting.ports import AlertingPorts
from iotsphere.services.alerting.sweep import sweep_missing_data
from iotsphere.settings import Settings
from tests.e2e.api.client import Organization
from tests.e2e.api.registry import register_pumps
from tests.e2e.fleet import wait_until

pytestmark = pytest.mark.e2e

TIMEOUT_S = 10  # the shortest heartbeat a rule may have


def alarms_of(org: Organization, rule_id: str) -> list[dict]:
    listed = org.viewer.get("/v1/alarms", params={"rule_id": rule_id, "status": "any"})
    assert listed.status_code == 200, listed.text
    return listed.json()["items"]


def test_a_pump_that_never_reports_raises_its_heartbeat_alarm_once(
    org_a: Organization, alerting_ports: AlertingPorts, settings: Settings
):
    device_id = f"e2esilent{uuid.uuid4().hex[:8]}"
    database = connect_mongo(settings)
    register_pumps(database, [(device_id, org_a.org_id)], datetime.now(tz=UTC))
    database.client.close()
    rule_id = f"{device_id}-heartbeat"
    body = {
        "name": "e2e heartbeat of a pump that never reports",
        "scope": {"kind": "device", "value": device_id},
        "metric": "temperature",
        "severity": "major",
        "condition": {"type": "missing_data", "timeout_s": TIMEOUT_S},
    }
    before = datetime.now(tz=UTC)
    saved = org_a.operator.put(f"/v1/rules/{rule_id}", json=body)
    after = datetime.now(tz=UTC)
    assert saved.status_code == 200, saved.text
    try:

        def raised() -> bool:
            sweep_missing_data(datetime.now(tz=UTC), alerting_ports)
            return bool(alarms_of(org_a, rule_id))

        assert wait_until(raised, TIMEOUT_S + 30, every=2)
        sweep_missing_data(datetime.now(tz=UTC), alerting_ports)  # raised once
        (alarm,) = alarms_of(org_a, rule_id)
        assert (alarm["device_id"], alarm["status"], alarm["count"]) == (device_id, "active", 1)
        raised_at = datetime.fromisoformat(alarm["raised_at"].replace("Z", "+00:00"))
        timeout = timedelta(seconds=TIMEOUT_S)
        assert before + timeout - timedelta(milliseconds=1) <= raised_at <= after + timeout
    finally:
        org_a.operator.delete(f"/v1/rules/{rule_id}")

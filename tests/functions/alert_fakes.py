"""The Alerts API routes over in-memory alerting stores, and request helpers for their tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.http.problems import PROBLEM_MEDIA_TYPE
from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.devices.device_type import DeviceType, MetricSpec
from iotsphere.services.alerting.admin_ports import AlertAdminPorts
from iotsphere.services.alerting.alarm_actions import AlarmActionPorts
from iotsphere.services.alerting.backtest import BacktestPorts
from tests.fakes import FakePublisher
from tests.functions.conftest import ORG, auth
from tests.unit.alerting.catalog_fakes import FakeAlarmCatalog, FakeAlarmEvents, FakeRuleCatalog
from tests.unit.alerting.fakes import FakeDevices, FakeHistory, FakeLog, Fakes, FakeSilences
from tests.unit.devices.fakes import FakeTypes

OTHER_ORG = "org2"


def pump_type(org_id: str = ORG) -> DeviceType:
    """The device type the rule tests scope by: pumps, declaring temperature."""
    return DeviceType(
        id="pump",
        org_id=org_id,
        name="Pump",
        firmware_family="pumps",
        metrics=[MetricSpec(name="temperature")],
        created_at=datetime(2026, 11, 26, 18, 0, tzinfo=UTC),
    )


@dataclass
class AlertFakes:
    rules: FakeRuleCatalog
    alarms: FakeAlarmCatalog
    silences: FakeSilences
    types: FakeTypes
    history: FakeHistory
    log: FakeLog
    notifications: FakePublisher
    events: FakeAlarmEvents
    evaluation: Fakes  # the evaluator's stores a rule change marks and seeds

    def ports(self) -> AlertAdminPorts:
        devices = FakeDevices(
            DeviceProfile(device_id="pump-1", org_id=ORG, device_type="pump"),
            DeviceProfile(device_id="pump-9", org_id=OTHER_ORG, device_type="pump"),
        )
        return AlertAdminPorts(
            rules=self.rules,
            alarms=self.alarms,
            silences=self.silences,
            types=self.types,
            actions=AlarmActionPorts(
                alarms=self.alarms,
                rules=self.rules,
                transitions=self.log,
                notifications=self.notifications,
            ),
            backtest=BacktestPorts(history=self.history, devices=devices),
            events=self.events,
        )


def install_alert_fakes(monkeypatch: Any) -> AlertFakes:
    from iotsphere import bootstrap

    log = FakeLog()
    fakes = AlertFakes(
        rules=FakeRuleCatalog(),
        alarms=FakeAlarmCatalog(),
        silences=FakeSilences(),
        types=FakeTypes(),
        history=FakeHistory(),
        log=log,
        notifications=FakePublisher(),
        events=FakeAlarmEvents(log),
        evaluation=Fakes(),
    )
    monkeypatch.setattr(bootstrap, "alert_admin_ports", fakes.ports)
    monkeypatch.setattr(bootstrap, "alerting_ports", fakes.evaluation.ports)
    return fakes


def send(client: Any, method: str, path: str, body: Any = None, role: str | None = "operator"):
    """One request as ``role`` (None: no credential); a body that is not text is sent as JSON."""
    headers = {"Content-Type": "application/json", **(auth(role) if role else {})}
    raw = body if isinstance(body, str) or body is None else json.dumps(body)
    return client.http.request(method, path, body=raw or b"", headers=headers)


def problem(response: Any) -> dict[str, Any]:
    assert response.headers["Content-Type"] == PROBLEM_MEDIA_TYPE
    found: dict[str, Any] = json.loads(response.body)
    assert found["status"] == response.status_code
    return found


def locations(response: Any) -> list[str]:
    return [error["location"] for error in problem(response)["errors"]]

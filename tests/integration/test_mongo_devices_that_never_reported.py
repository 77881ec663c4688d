"""Missing-data alarms for devices that never reported, over the real MongoDB-wire server: the
rule's save seeds a state per registered device in scope, the sweep seeds a device registered
later and raises each once its silence reaches the timeout."""

import uuid
from datetime import timedelta

import pytest

from iotsphere.adapters.mongo_alerting_ports import ensure_alerting_indexes, mongo_alerting_ports
from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
from iotsphere.adapters.mongo_alerting_state import STATES
from iotsphere.adapters.mongo_devices import COLLECTION as DEVICES
from iotsphere.adapters.mongo_devices import MongoDeviceRepository
from iotsphere.adapters.mongo_devices_types import COLLECTION as TYPES
from iotsphere.adapters.mongo_devices_types import MongoDeviceTypeRepository
from iotsphere.domain.devices.device import Device, DeviceStatus
from iotsphere.services.alerting.rule_admin import save_rule
from iotsphere.services.alerting.sweep import sweep_missing_data
from tests.fakes import FakePublisher
from tests.integration.test_mongo_alerting_stores import AT, database
from tests.unit.alerting.fakes import FakeHistory, FakeLog

pytestmark = pytest.mark.integration
__all__ = ["database"]


def device(owner, device_id, registered, groups, status=DeviceStatus.PROVISIONED):
    return Device(
        id=device_id,
        org_id=owner,
        name=device_id,
        device_type="pump",
        groups=groups,
        status=status,
        status_changed_at=registered,
        created_at=registered,
    )


def test_devices_that_never_reported_raise_once_their_silence_reaches_the_timeout(database):
    owner, tag = uuid.uuid4().hex[:12], uuid.uuid4().hex[:6]
    old, fan, late, gone = (f"{name}-{tag}" for name in ("old", "fan", "late", "gone"))
    ensure_alerting_indexes(database)
    registry = MongoDeviceRepository(database[DEVICES])
    registry.add(
        [
            device(owner, old, AT - timedelta(hours=1), ["pumps"]),
            device(owner, fan, AT - timedelta(hours=1), ["fans"]),
        ]
    )
    api, sweeper = (
        mongo_alerting_ports(
            database, history=FakeHistory(), transitions=FakeLog(), notifications=FakePublisher()
        )
        for _ in range(2)
    )
    body = {
        "name": "heartbeat",
        "scope": {"kind": "group", "value": "pumps"},
        "metric": "temperature",
        "severity": "major",
        "condition": {"type": "missing_data", "timeout_s": 60},
    }
    rules, types = MongoRuleStore(database[RULES]), MongoDeviceTypeRepository(database[TYPES])
    save_rule(owner, "hb", body, rules, types, api, AT)
    assert database[STATES].find_one({"_id": f"{owner}/{fan}"}) is None
    assert database[STATES].find_one({"_id": f"{owner}/{old}"})["due_ms"] is not None
    registry.add(
        [
            device(owner, late, AT + timedelta(seconds=100), ["pumps"]),
            device(
                owner, gone, AT + timedelta(seconds=100), ["pumps"], DeviceStatus.DECOMMISSIONED
            ),
        ]
    )

    def swept(seconds):
        result = sweep_missing_data(AT + timedelta(seconds=seconds), sweeper)
        return [(t.device_id, t.kind.value, t.at) for t in result.transitions if t.org_id == owner]

    assert swept(59) == []
    assert swept(60) == [(old, "raised", AT + timedelta(seconds=60))]
    assert swept(120) == []  # the late one is seeded, counted from its registration
    assert swept(160) == [(late, "raised", AT + timedelta(seconds=160))]
    assert swept(300) == []

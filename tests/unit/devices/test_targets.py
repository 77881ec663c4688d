import pytest
from pydantic import ValidationError

from iotsphere.domain.devices.targets import DeviceTarget
from iotsphere.services.devices.onboarding import decommission_device
from iotsphere.services.devices.targets import resolve_target
from tests.unit.devices.builders import ORG, OTHER_ORG, onboard


def test_a_target_must_name_something():
    with pytest.raises(ValidationError, match="name devices by"):
        DeviceTarget()


def test_ids_groups_and_tags_reach_the_union_without_decommissioned_or_foreign_devices(ports):
    a = onboard(ports, name="a", groups=["g1"]).device_id
    b = onboard(ports, name="b", tags=["t1", "t2"]).device_id
    c = onboard(ports, name="c", tags=["t2"]).device_id
    gone = onboard(ports, name="gone", groups=["g1"]).device_id
    decommission_device(ORG, gone, ports)
    foreign = onboard(ports, name="f", org=OTHER_ORG, groups=["g1"]).device_id
    target = DeviceTarget(device_ids=[a, a, gone, foreign], groups=["g1"], tags=["t1", "t2"])
    devices, missing = resolve_target(ORG, target, ports)
    assert [d.id for d in devices] == sorted([a, b, c])
    assert missing == [foreign]

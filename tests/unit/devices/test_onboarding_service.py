import pytest

from iotsphere.domain.devices import topics
from iotsphere.domain.devices.credentials import verify_password
from iotsphere.domain.devices.device import DeviceStatus
from iotsphere.domain.devices.messages import NewDevice, StatusMessage
from iotsphere.services.devices.connections import record_status
from iotsphere.services.devices.errors import InvalidInputError, NameTakenError, NotFoundError
from iotsphere.services.devices.onboarding import (
    decommission_device,
    onboard_devices,
    reissue_credentials,
    revoke_credentials,
)
from iotsphere.services.devices.registry import get_device
from iotsphere.services.errors import StoreUnavailableError
from tests.unit.devices.builders import ORG, OTHER_ORG, onboard


def birth(session="s1", **fields):
    return StatusMessage(state="online", session=session, **fields)


def will(session="s1"):
    return StatusMessage(state="offline", session=session, reason="last will")


def test_create_makes_entry_default_config_identity_and_package(ports):
    package = onboard(ports, tags=["lab"])
    device = get_device(ORG, package.device_id, ports)
    assert device.status is DeviceStatus.PROVISIONED
    assert device.tags == ["lab"]
    shadow = ports.shadows.get(ORG, device.id)
    assert (shadow.desired, shadow.desired_version) == ({"interval_s": 60, "mode": "eco"}, 1)
    assert [r.version for r in ports.shadows.history(ORG, device.id, "desired", 10)] == [1]
    assert ports.broker.identities == {device.id: package.password}
    assert package.client_id == package.username == device.id
    assert package.broker.host == "broker.example"
    assert package.firmware_public_key == "ed25519-public-key"
    assert package.topics.telemetry == topics.telemetry(device.id)
    assert package.topics.commands == f"devices/{device.id}/commands/+"
    assert (package.birth.state, package.last_will.state) == ("online", "offline")


def test_only_a_hash_of_the_password_is_stored(ports):
    package = onboard(ports)
    device = get_device(ORG, package.device_id, ports)
    assert package.password not in device.model_dump_json()
    assert verify_password(package.password, device.credential_hash)
    assert package.password not in repr(package)


def test_an_unknown_type_or_taken_name_creates_nothing(ports):
    onboard(ports, name="taken")
    new = [
        NewDevice(name="fine", device_type="thermo"),
        NewDevice(name="x", device_type="nope"),
    ]
    with pytest.raises(InvalidInputError, match=r"devices\[1\]: device_type: no device type"):
        onboard_devices(ORG, new, ports)
    new.insert(1, NewDevice(name="taken", device_type="thermo"))
    with pytest.raises(NameTakenError, match=r"devices\[1\].name: a device named 'taken'") as taken:
        onboard_devices(ORG, new, ports)
    assert taken.value.field == "devices[1].name"
    assert len(ports.devices.rows) == 1
    assert len(ports.broker.identities) == 1


def test_a_failing_broker_midway_leaves_nothing_behind(ports):
    ports.broker.fail_on = "d00000000000000000002"
    new = [NewDevice(name=f"t{i}", device_type="thermo") for i in range(3)]
    with pytest.raises(StoreUnavailableError):
        onboard_devices(ORG, new, ports)
    assert (ports.devices.rows, ports.shadows.rows, ports.broker.identities) == ({}, {}, {})


def test_a_failing_shadow_store_leaves_no_device(ports):
    ports.shadows.down = True
    with pytest.raises(StoreUnavailableError):
        onboard(ports)
    assert (ports.devices.rows, ports.broker.identities) == ({}, {})


def test_birth_verifies_and_brings_online_then_last_will_takes_offline(ports):
    device_id = onboard(ports).device_id
    online = record_status(
        device_id, birth(firmware_version="1.4.0"), ports.clock.advance(5), ports
    )
    assert online.status is DeviceStatus.ONLINE
    assert online.firmware_version == "1.4.0"
    assert [e.kind for e in online.connection_history] == ["online"]
    offline = record_status(device_id, will(), ports.clock.advance(5), ports)
    assert offline.status is DeviceStatus.OFFLINE
    assert offline.last_seen == ports.clock.now


def test_status_of_an_unknown_device_is_ignored(ports):
    assert record_status("dunknown", birth(), ports.clock(), ports) is None


def test_another_organization_sees_no_device(ports):
    device_id = onboard(ports).device_id
    with pytest.raises(NotFoundError):
        get_device(OTHER_ORG, device_id, ports)
    with pytest.raises(NotFoundError):
        decommission_device(OTHER_ORG, device_id, ports)
    assert device_id in ports.broker.identities


def test_decommission_removes_the_identity_and_ignores_later_births(ports):
    device_id = onboard(ports).device_id
    record_status(device_id, birth(), ports.clock.advance(1), ports)
    retired = decommission_device(ORG, device_id, ports)
    assert retired.status is DeviceStatus.DECOMMISSIONED
    assert retired.credential_hash == ""
    assert ports.broker.identities == {}
    assert record_status(device_id, birth("s2"), ports.clock.advance(1), ports) is None
    assert decommission_device(ORG, device_id, ports).status is DeviceStatus.DECOMMISSIONED
    with pytest.raises(InvalidInputError, match="decommissioned"):
        reissue_credentials(ORG, device_id, ports)


def test_revoke_then_reissue_gives_a_new_password_only(ports):
    package = onboard(ports)
    revoke_credentials(ORG, package.device_id, ports)
    assert ports.broker.identities == {}
    assert get_device(ORG, package.device_id, ports).credential_hash == ""
    again = reissue_credentials(ORG, package.device_id, ports)
    assert again.password != package.password
    assert ports.broker.identities == {package.device_id: again.password}
    stored = get_device(ORG, package.device_id, ports).credential_hash
    assert verify_password(again.password, stored)
    assert not verify_password(package.password, stored)


class BrokenRemoval(Exception):
    pass


def test_undo_goes_on_when_one_of_its_steps_fails(ports):
    ports.broker.fail_on = "d00000000000000000002"

    def remove(device_id):
        raise BrokenRemoval(device_id)

    ports.broker.remove = remove
    new = [NewDevice(name=f"t{i}", device_type="thermo") for i in range(2)]
    with pytest.raises(StoreUnavailableError):
        onboard_devices(ORG, new, ports)
    assert (ports.devices.rows, ports.shadows.rows) == ({}, {})


def test_onboarding_nothing_makes_nothing(ports):
    assert onboard_devices(ORG, [], ports) == []


@pytest.mark.parametrize(
    ("drop", "reason"),
    [(revoke_credentials, "credentials revoked"), (reissue_credentials, "credentials reissued")],
)
def test_dropping_an_online_devices_connection_takes_it_offline(ports, drop, reason):
    """The broker kicks the device without its last will: the platform records the drop itself."""
    device_id = onboard(ports).device_id
    record_status(device_id, birth("s7"), ports.clock.advance(1), ports)
    ports.clock.advance(1)
    drop(ORG, device_id, ports)
    device = get_device(ORG, device_id, ports)
    assert device.status is DeviceStatus.OFFLINE
    last = device.connection_history[-1]
    assert (last.kind, last.session, last.reason, last.at) == (
        "offline",
        "s7",
        reason,
        ports.clock(),
    )


@pytest.mark.parametrize("drop", [revoke_credentials, reissue_credentials])
def test_dropping_credentials_of_a_device_never_connected_leaves_its_status(ports, drop):
    device_id = onboard(ports).device_id
    drop(ORG, device_id, ports)
    device = get_device(ORG, device_id, ports)
    assert (device.status, device.connection_history) == (DeviceStatus.PROVISIONED, [])

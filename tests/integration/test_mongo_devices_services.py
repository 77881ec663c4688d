"""The device services over the real MongoDB-wire server (broker and channel faked): the
onboarding sequence, commands to an offline device, a stale report, a replayed claim."""

import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from pymongo import MongoClient

from iotsphere.adapters.mongo_devices_indexes import ensure_device_indexes
from iotsphere.adapters.mongo_devices_ports import build_device_ports
from iotsphere.domain.devices.claim_sealing import public_key_of, unseal
from iotsphere.domain.devices.commands import CommandState
from iotsphere.domain.devices.credentials import verify_password
from iotsphere.domain.devices.device import DeviceStatus
from iotsphere.domain.devices.messages import (
    BrokerEndpoint,
    ClaimRequest,
    ConfigPatch,
    NewCommand,
    NewDevice,
    NewDeviceType,
    ProvisioningPackage,
    ReportedConfigMessage,
    StatusMessage,
)
from iotsphere.domain.devices.search import DeviceSearch
from iotsphere.services.devices import claims, commands, configuration, connections, registry
from iotsphere.services.devices.errors import ClaimRefusedError, StaleVersionError
from iotsphere.services.devices.onboarding import onboard_devices
from tests.unit.devices.fakes import FakeBroker, FakeChannel

pytestmark = pytest.mark.integration
THERMO = NewDeviceType(
    id="thermo", name="Thermostat", firmware_family="thermo-fw",
    config_schema={"type": "object", "properties": {"rate": {"type": "integer", "minimum": 1}}},
    default_config={"rate": 60},
)  # fmt: skip


@pytest.fixture(scope="module")
def database(settings):
    client = MongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
    database = client[settings.mongo_database]
    ensure_device_indexes(database)
    yield database
    client.close()


@pytest.fixture
def org():
    return uuid.uuid4().hex[:12]


@pytest.fixture
def ports(database, org):
    ports = build_device_ports(
        database,
        broker=FakeBroker(),
        channel=FakeChannel(),
        endpoint=BrokerEndpoint(host="127.0.0.1", port=1883),
    )
    registry.create_device_type(org, THERMO, ports)
    return ports


def test_onboarding_to_online_then_commands_waiting_for_the_connection(ports, org):
    (package,) = onboard_devices(org, [NewDevice(name="t1", device_type="thermo")], ports)
    device = registry.get_device(org, package.device_id, ports)
    assert device.status is DeviceStatus.PROVISIONED
    assert verify_password(package.password, device.credential_hash)
    waiting = commands.send_command(org, device.id, NewCommand(name="reboot"), ports)
    assert waiting.state is CommandState.CREATED
    birth = StatusMessage(state="online", session="s1", firmware_version="1.0.0")
    online = connections.record_status(device.id, birth, ports.clock(), ports)
    assert (online.status, online.firmware_version) == (DeviceStatus.ONLINE, "1.0.0")
    assert commands.get_command(org, waiting.id, ports).state is CommandState.SENT
    will = StatusMessage(state="offline", session="s1")
    assert connections.record_status(device.id, will, ports.clock(), ports).status == "offline"


def test_configuration_round_trip_and_stale_writes(ports, org):
    (package,) = onboard_devices(org, [NewDevice(name="t1", device_type="thermo")], ports)
    device_id = package.device_id
    view = configuration.update_desired(
        org, device_id, ConfigPatch(patch={"rate": 5}, expected_version=1), "alice", ports
    )
    assert (view.desired_version, view.delta) == (2, {"rate": 5})
    with pytest.raises(StaleVersionError):
        configuration.update_desired(
            org, device_id, ConfigPatch(patch={"rate": 9}, expected_version=1), "bob", ports
        )
    report = ReportedConfigMessage(reported_version=2, state={"rate": 5})
    assert configuration.record_report(device_id, report, ports.clock(), ports) is not None
    stale = ReportedConfigMessage(reported_version=1, state={"rate": 60})
    assert configuration.record_report(device_id, stale, ports.clock(), ports) is None
    shadow = configuration.shadow_view(configuration.get_shadow(org, device_id, ports))
    assert (shadow.reported, shadow.delta) == ({"rate": 5}, {})
    history = configuration.history(org, device_id, None, 10, ports)
    assert sorted((r.side, r.version) for r in history) == [
        ("desired", 1), ("desired", 2), ("reported", 2)
    ]  # fmt: skip


def test_a_replayed_claim_gets_no_second_identity(ports, org):
    serial = f"SN-{org}"
    claims.allow_serials(org, "thermo", [serial], ports)
    key = X25519PrivateKey.generate()
    request = ClaimRequest(serial=serial, nonce="n" * 16, public_key=public_key_of(key))
    response = claims.claim_device(request, ports.clock(), ports)
    package = ProvisioningPackage.model_validate_json(unseal(response.sealed_package, key))
    again = claims.claim_device(request, ports.clock(), ports)
    assert (
        ProvisioningPackage.model_validate_json(unseal(again.sealed_package, key)).device_id
        == package.device_id
    )
    other = public_key_of(X25519PrivateKey.generate())
    with pytest.raises(ClaimRefusedError):
        claims.claim_device(request.model_copy(update={"public_key": other}), ports.clock(), ports)
    found = registry.search_devices(org, DeviceSearch(serial=serial), None, ports)
    assert [d.id for d in found.items] == [package.device_id]

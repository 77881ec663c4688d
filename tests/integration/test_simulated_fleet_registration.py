"""The simulated fleet enters the device registry of the first admin's organization, once."""

import uuid

import pytest

from iotsphere.adapters.mongo_devices import COLLECTION, MongoDeviceRepository
from iotsphere.bootstrap import connect_mongo
from iotsphere.services.identity.organizations import FIRST_ADMIN_EMAIL
from iotsphere.simulator.errors import SimulatorError
from iotsphere.simulator.fleet import FleetOptions, build_fleet
from iotsphere.simulator.registration import register_fleet

pytestmark = pytest.mark.integration


def test_the_fleet_is_registered_once_with_its_types(settings):
    prefix = f"reg{uuid.uuid4().hex[:6]}"
    fleet = build_fleet(FleetOptions(devices=4, prefix=prefix), start_s=1_800_000_000.0)
    assert register_fleet(fleet, settings, FIRST_ADMIN_EMAIL) == 4
    assert register_fleet(fleet, settings, FIRST_ADMIN_EMAIL) == 0
    database = connect_mongo(settings)
    try:
        devices = MongoDeviceRepository(database[COLLECTION])
        stored = devices.locate(f"{prefix}-0003")
    finally:
        database.client.close()
    assert stored is not None
    assert stored.tags == ["simulated"]
    assert stored.device_type.startswith("sim-")


def test_an_unknown_owner_is_a_clear_error(settings):
    fleet = build_fleet(FleetOptions(devices=1, prefix="nobody"), start_s=1_800_000_000.0)
    with pytest.raises(SimulatorError, match="no user"):
        register_fleet(fleet, settings, "nobody@example.com")

"""The simulated fleet is onboarded in the first admin's organization with one identity per
device; its packages are kept (owner-only) and reused, a lost one is reissued, and each connects
to the broker as its own device."""

import stat
import uuid

import pytest

from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
from iotsphere.agent.paho_transport import PahoTransport
from iotsphere.bootstrap import connect_mongo
from iotsphere.services.devices.onboarding import decommission_device
from iotsphere.services.identity.organizations import FIRST_ADMIN_EMAIL
from iotsphere.simulator.errors import SimulatorError
from iotsphere.simulator.fleet import FleetOptions, build_fleet
from iotsphere.simulator.provisioning import (
    PACKAGES,
    device_ports,
    provision_fleet,
    seed_starter_rules,
)
from iotsphere.simulator.registration import ensure_types, type_id

pytestmark = pytest.mark.integration


def test_the_fleet_gets_an_identity_per_device_kept_across_runs(stack, settings):
    home = stack.home.root
    prefix = f"reg{uuid.uuid4().hex[:6]}"
    fleet = build_fleet(FleetOptions(devices=3, prefix=prefix), start_s=1_800_000_000.0)
    first = provision_fleet(fleet, settings, FIRST_ADMIN_EMAIL, home)
    try:
        assert [p.package.device_id for p in first] == [d.device_id for d in fleet]
        assert all(p.firmware_family.startswith("sim-") for p in first)
        assert all(p.package.firmware_public_key for p in first)
        file = home / PACKAGES / f"{fleet[0].device_id}.json"
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
        again = provision_fleet(fleet, settings, FIRST_ADMIN_EMAIL, home)
        assert [p.package.password for p in again] == [p.package.password for p in first]
        file.unlink()
        reissued = provision_fleet(fleet, settings, FIRST_ADMIN_EMAIL, home)
        assert reissued[0].package.password != first[0].package.password
        assert reissued[1].package.password == first[1].package.password
        transport = PahoTransport.of(reissued[0].package)
        transport.start(None, lambda: None, lambda _t, _p: None)
        transport.stop()
    finally:
        database = connect_mongo(settings)
        ports, control = device_ports(settings, home, database)
        for device in first:
            decommission_device(device.package.org_id, device.package.device_id, ports)
        control.close()
        database.client.close()


def test_an_unknown_owner_is_a_clear_error(stack, settings):
    fleet = build_fleet(FleetOptions(devices=1, prefix="nobody"), start_s=1_800_000_000.0)
    with pytest.raises(SimulatorError, match="no user"):
        provision_fleet(fleet, settings, "nobody@example.com", stack.home.root)


def test_a_new_organization_gets_the_starter_rules_once(stack, settings):
    """Through the real stores: each rule passes the API's validation against the types
    registered for the fleet, and a second seeding (the organization now has rules) adds none."""
    org_id = f"starter{uuid.uuid4().hex[:8]}"
    fleet = build_fleet(FleetOptions(devices=8, prefix=org_id), start_s=1_800_000_000.0)
    database = connect_mongo(settings)
    ports, control = device_ports(settings, stack.home.root, database)
    rules = MongoRuleStore(database[RULES])
    try:
        ensure_types(fleet, org_id, ports.types)
        seed_starter_rules(fleet, settings, database, org_id, ports)
        saved = {rule.id: rule for rule in rules.list_rules(org_id)}
        kinds = {type_id(device.profile.device_type) for device in fleet}
        assert set(saved) == {"starter-heartbeat"} | {
            f"starter-{kind}-{metric}" for kind in kinds for metric in ("temperature", "vibration")
        }
        assert all(rule.enabled for rule in saved.values())
        seed_starter_rules(fleet, settings, database, org_id, ports)
        assert len(rules.list_rules(org_id)) == len(saved)
    finally:
        for rule in rules.list_rules(org_id):
            rules.delete(org_id, rule.id)
        control.close()
        database.client.close()

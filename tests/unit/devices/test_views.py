import pytest

from iotsphere.domain.devices.messages import ConfigPatch, NewCommand
from iotsphere.services.devices.commands import list_commands, send_command
from iotsphere.services.devices.configuration import history, update_desired
from iotsphere.services.devices.errors import NotFoundError
from iotsphere.services.devices.registry import get_device, get_device_type, list_device_types
from iotsphere.services.devices.views import (
    command_view,
    device_type_view,
    device_view,
    revision_view,
)
from tests.unit.devices.builders import ORG, OTHER_ORG, THERMO, onboard


def test_a_device_view_shows_no_organization_or_credential(ports):
    device = get_device(ORG, onboard(ports).device_id, ports)
    shown = device_view(device).model_dump_json()
    assert device.credential_hash not in shown
    assert "org_id" not in shown
    assert "credential" not in shown


def test_a_device_type_view_is_what_was_created(ports):
    shown = device_type_view(get_device_type(ORG, "thermo", ports))
    assert shown.model_dump(exclude={"created_at"}) == THERMO.model_dump()
    assert [t.id for t in list_device_types(ORG, ports)] == ["thermo"]


def test_a_command_view_carries_its_deadline(ports):
    device_id = onboard(ports).device_id
    command = send_command(ORG, device_id, NewCommand(name="a", ttl_s=60), ports)
    shown = command_view(command)
    assert (shown.expires_at, shown.state) == (command.expires_at, "CREATED")
    assert [c.id for c in list_commands(ORG, device_id, 10, ports)] == [command.id]


def test_a_revision_view_names_the_side_version_revision(ports):
    device_id = onboard(ports).device_id
    update_desired(ORG, device_id, ConfigPatch(patch={"interval_s": 5}), "alice", ports)
    newest = revision_view(history(ORG, device_id, "desired", 1, ports)[0])
    assert (newest.revision, newest.actor, newest.patch, newest.version) == (
        2,
        "alice",
        {"interval_s": 5},
        1,
    )


def test_listing_commands_of_another_organizations_device_is_not_found(ports):
    device_id = onboard(ports).device_id
    with pytest.raises(NotFoundError):
        list_commands(OTHER_ORG, device_id, 10, ports)

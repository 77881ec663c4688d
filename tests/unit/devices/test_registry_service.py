import pytest

from iotsphere.domain.devices.messages import (
    ConfigPatch,
    DeviceChanges,
    DeviceTypeChanges,
    NewDeviceType,
)
from iotsphere.domain.devices.search import DeviceSearch
from iotsphere.services.devices.configuration import update_desired
from iotsphere.services.devices.csv_import import import_devices_csv
from iotsphere.services.devices.errors import (
    AlreadyExistsError,
    InvalidInputError,
    NameTakenError,
    NotFoundError,
)
from iotsphere.services.devices.registry import (
    create_device_type,
    get_device_type,
    search_devices,
    update_device,
    update_device_type,
)
from tests.unit.devices.builders import ORG, OTHER_ORG, THERMO, onboard


def all_pages(ports, search):
    seen, cursor = [], None
    while True:
        page = search_devices(ORG, search, cursor, ports)
        seen += [d.name for d in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return seen


@pytest.mark.parametrize(
    ("sort", "descending"), [("name", False), ("name", True), ("created_at", False), ("id", True)]
)
def test_pages_cover_every_match_once_in_order(ports, sort, descending):
    for i in range(7):
        onboard(ports, name=f"n{(i * 3) % 7}", tags=["even"] if i % 2 == 0 else [])
        ports.clock.advance(1)
    onboard(ports, name="foreign", org=OTHER_ORG)
    names = all_pages(ports, DeviceSearch(sort=sort, descending=descending, limit=3))
    assert sorted(names) == [f"n{i}" for i in range(7)]
    if sort == "name":
        assert names == sorted(names, reverse=descending)
    assert len(all_pages(ports, DeviceSearch(tags=["even"], limit=2))) == 4


def test_a_bad_cursor_is_invalid_input(ports):
    with pytest.raises(InvalidInputError, match="cursor"):
        search_devices(ORG, DeviceSearch(), "garbage", ports)


def test_rename_to_a_taken_name_is_refused(ports):
    onboard(ports, name="a")
    b = onboard(ports, name="b").device_id
    with pytest.raises(NameTakenError, match="exists already"):
        update_device(ORG, b, DeviceChanges(name="a"), ports)
    view = update_device(ORG, b, DeviceChanges(tags=["x"], metadata={"site": "B"}), ports)
    assert (view.name, view.tags, view.metadata) == ("b", ["x"], {"site": "B"})


def test_a_device_type_id_is_unique_per_organization(ports):
    with pytest.raises(AlreadyExistsError):
        create_device_type(ORG, THERMO, ports)


def test_an_inconsistent_device_type_is_invalid_input(ports):
    body = NewDeviceType(id="x", name="X", firmware_family="f", default_config={"a": 1},
                         config_schema={"type": "object"})  # fmt: skip
    with pytest.raises(InvalidInputError, match="default_config breaks config_schema"):
        create_device_type(ORG, body, ports)


HEADER = "name,device_type,groups\n"


def test_a_csv_import_onboards_every_row(ports):
    report, packages = import_devices_csv(ORG, HEADER + "a,thermo,g1\nb,thermo,\n", ports)
    assert report.imported
    assert [p.device_id for p in packages] == sorted(ports.devices.rows)
    assert len(ports.broker.identities) == 2


def test_a_csv_row_refused_by_the_registry_imports_nothing(ports):
    onboard(ports, name="taken")
    report, packages = import_devices_csv(
        ORG, HEADER + "a,thermo,\ntaken,thermo,\nc,nope,\n", ports
    )
    assert (report.imported, packages) == (False, [])
    assert [(r.row, r.status) for r in report.rows] == [(2, "ok"), (3, "invalid"), (4, "invalid")]
    assert report.rows[1].errors == ["name: a device named 'taken' exists already"]
    assert report.rows[2].errors == ["device_type: no device type 'nope'"]
    assert len(ports.devices.rows) == 1


def test_a_type_change_keeps_what_is_not_given(ports):
    changed = update_device_type(ORG, "thermo", DeviceTypeChanges(name="Thermostat v2"), ports)
    assert (changed.name, changed.default_config) == ("Thermostat v2", THERMO.default_config)
    assert get_device_type(ORG, "thermo", ports) == changed
    assert get_device_type(OTHER_ORG, "thermo", ports).name == "Thermostat"


def test_a_new_schema_that_breaks_a_devices_configuration_is_refused(ports):
    device_id = onboard(ports, name="a").device_id
    update_desired(ORG, device_id, ConfigPatch(patch={"interval_s": 3000}), "alice", ports)
    stricter = THERMO.config_schema.model_dump(by_alias=True)
    stricter["properties"]["interval_s"]["maximum"] = 600
    with pytest.raises(
        InvalidInputError, match=rf"1 devices' configuration would break it: {device_id}"
    ):
        update_device_type(ORG, "thermo", DeviceTypeChanges(config_schema=stricter), ports)
    assert get_device_type(ORG, "thermo", ports).config_schema == THERMO.config_schema


def test_a_new_schema_must_accept_the_default_and_the_templates(ports):
    narrow = {"type": "object", "properties": {"interval_s": {"type": "integer"}}}
    with pytest.raises(InvalidInputError, match="breaks config_schema"):
        update_device_type(ORG, "thermo", DeviceTypeChanges(config_schema=narrow), ports)


def test_changing_another_organizations_type_is_not_found(ports):
    with pytest.raises(NotFoundError):
        update_device_type(ORG, "nope", DeviceTypeChanges(name="x"), ports)

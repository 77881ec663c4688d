import pytest

from iotsphere.domain.identity.requests import PreferencesUpdate
from iotsphere.domain.identity.roles import Role
from iotsphere.services.identity.errors import InvalidInputError
from iotsphere.services.identity.inputs import parse_input
from iotsphere.services.identity.organizations import bootstrap_first_admin, get_organization
from iotsphere.services.identity.preferences import get_preferences, update_preferences
from iotsphere.services.identity.sessions import login
from tests.unit.identity.conftest import NOW, principal_of


def test_preferences_change_only_the_fields_given(ports, viewer):
    me = principal_of(viewer)
    assert get_preferences(me, ports).time_zone == "UTC"
    update_preferences(me, PreferencesUpdate(time_zone="Europe/Berlin"), ports, NOW)
    changed = update_preferences(me, PreferencesUpdate(units="imperial"), ports, NOW)
    assert (changed.units, changed.time_zone) == ("imperial", "Europe/Berlin")
    assert get_preferences(me, ports) == changed


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": "../../etc/passwd"}, "time_zone"),
        ({"units": "furlongs"}, "units"),
        ({"notifications": {"min_severity": "panic"}}, "notifications.min_severity"),
        ({"notifications": {"email": True, "role": "admin"}}, "notifications.role"),
        ({"role": "admin"}, "role"),
    ],
)
def test_bad_preferences_name_the_field(body, field):
    with pytest.raises(InvalidInputError) as refused:
        parse_input(PreferencesUpdate, body)
    assert refused.value.field == field


def test_the_first_admin_is_created_once_with_a_password_that_works(ports):
    created = bootstrap_first_admin(ports, NOW)
    assert created is not None
    org, admin, password = created
    assert (admin.role, admin.org_id) == (Role.ADMIN, org.id)
    assert len(password) >= 20
    assert login(admin.email, password, None, ports, NOW)
    assert bootstrap_first_admin(ports, NOW) is None
    assert len(ports.orgs.items) == 1


def test_the_caller_reads_only_their_own_organization(ports, org, viewer):
    assert get_organization(principal_of(viewer), ports).name == org.name

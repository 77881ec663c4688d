import pytest

from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.identity.roles import Permission, Role, role_allows, role_covers
from iotsphere.services.identity.access import require_grantable
from iotsphere.services.identity.errors import ForbiddenError

OPERATOR_MAY = {
    Permission.READ,
    Permission.OPERATE_DEVICES,
    Permission.MANAGE_RULES,
    Permission.MANAGE_ALARMS,
    Permission.SEND_COMMANDS,
    Permission.MANAGE_ROLLOUTS,
}
ADMIN_ONLY = {
    Permission.MANAGE_USERS,
    Permission.MANAGE_CREDENTIALS,
    Permission.SIGN_FIRMWARE,
    Permission.READ_AUDIT,
}


@pytest.mark.parametrize("permission", list(Permission))
def test_admin_may_do_everything(permission):
    assert role_allows(Role.ADMIN, permission)


@pytest.mark.parametrize("permission", list(Permission))
def test_operator_may_run_the_fleet_but_not_manage_users_credentials_or_firmware(permission):
    assert role_allows(Role.OPERATOR, permission) is (permission in OPERATOR_MAY)


@pytest.mark.parametrize("permission", list(Permission))
def test_viewer_may_only_read(permission):
    assert role_allows(Role.VIEWER, permission) is (permission is Permission.READ)


def test_every_permission_is_either_operator_or_admin_only():
    assert set(Permission) == OPERATOR_MAY | ADMIN_ONLY


@pytest.mark.parametrize(
    ("holder", "granted", "allowed"),
    [
        (Role.ADMIN, Role.ADMIN, True),
        (Role.ADMIN, Role.VIEWER, True),
        (Role.OPERATOR, Role.OPERATOR, True),
        (Role.OPERATOR, Role.ADMIN, False),
        (Role.VIEWER, Role.OPERATOR, False),
    ],
)
def test_nobody_grants_a_role_above_their_own(holder, granted, allowed):
    assert role_covers(holder, granted) is allowed


def test_a_principal_can_what_its_role_allows():
    viewer = Principal(org_id="o1", subject_id="u1", kind="user", role=Role.VIEWER)
    assert viewer.can(Permission.READ)
    assert not viewer.can(Permission.SEND_COMMANDS)


def test_roles_read_from_their_names():
    assert Role("operator") is Role.OPERATOR
    with pytest.raises(ValueError, match="superuser"):
        Role("superuser")


def test_granting_a_role_above_ones_own_is_forbidden():
    operator = Principal(org_id="o1", subject_id="u1", kind="api_key", role=Role.OPERATOR)
    require_grantable(operator, Role.VIEWER)
    with pytest.raises(ForbiddenError, match="may not grant the admin role"):
        require_grantable(operator, Role.ADMIN)

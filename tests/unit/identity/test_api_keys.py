from datetime import timedelta

import pytest

from iotsphere.domain.identity.paging import PageRequest
from iotsphere.domain.identity.roles import Role
from iotsphere.services.identity.api_keys import create_api_key, list_api_keys, revoke_api_key
from iotsphere.services.identity.authentication import authenticate
from iotsphere.services.identity.errors import (
    AuthenticationError,
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from tests.unit.identity.conftest import NOW, add_org, add_user, principal_of


def test_a_key_is_shown_once_stored_hashed_and_authenticates_with_its_role(ports, org, admin):
    view, secret = create_api_key(principal_of(admin), "grafana", Role.VIEWER, ports, NOW)
    assert secret.startswith("isk_")
    assert secret.startswith(view.prefix)
    assert secret not in ports.api_keys.items[view.id].model_dump_json()
    assert secret not in view.model_dump_json()
    principal = authenticate(f"ApiKey {secret}", ports, NOW, "198.51.100.2")
    assert (principal.kind, principal.org_id, principal.subject_id, principal.role) == (
        "api_key",
        org.id,
        view.id,
        Role.VIEWER,
    )


def test_the_list_shows_last_use_written_at_most_once_a_minute(ports, admin):
    _, secret = create_api_key(principal_of(admin), "ci", Role.OPERATOR, ports, NOW)
    writes = []
    touch = ports.api_keys.touch
    ports.api_keys.touch = lambda org_id, key_id, at: (writes.append(at), touch(org_id, key_id, at))
    for second in (0, 10, 59, 60, 61):
        authenticate(f"ApiKey {secret}", ports, NOW + timedelta(seconds=second))
    assert writes == [NOW, NOW + timedelta(seconds=60)]
    (listed,) = list_api_keys(principal_of(admin), PageRequest(), ports).items
    assert listed.last_used_at == NOW + timedelta(seconds=60)


def test_a_revoked_key_stops_at_once(ports, admin):
    view, secret = create_api_key(principal_of(admin), "ci", Role.OPERATOR, ports, NOW)
    authenticate(f"ApiKey {secret}", ports, NOW)
    revoke_api_key(principal_of(admin), view.id, ports, NOW)
    with pytest.raises(AuthenticationError, match="revoked"):
        authenticate(f"ApiKey {secret}", ports, NOW)
    with pytest.raises(ConflictError):
        revoke_api_key(principal_of(admin), view.id, ports, NOW)
    assert ports.audit.actions() == ["api_key.create", "api_key.revoke"]


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VIEWER])
def test_only_credential_managers_handle_keys(ports, org, admin, role):
    caller = principal_of(add_user(ports, org, f"c-{role}@acme.test", role))
    view, _ = create_api_key(principal_of(admin), "ci", Role.VIEWER, ports, NOW)
    with pytest.raises(ForbiddenError):
        create_api_key(caller, "mine", Role.VIEWER, ports, NOW)
    with pytest.raises(ForbiddenError):
        list_api_keys(caller, PageRequest(), ports)
    with pytest.raises(ForbiddenError):
        revoke_api_key(caller, view.id, ports, NOW)


def test_keys_of_another_organization_are_not_found(ports, admin):
    globex = principal_of(add_user(ports, add_org(ports, "Globex"), "b@globex.test", Role.ADMIN))
    view, _ = create_api_key(globex, "theirs", Role.ADMIN, ports, NOW)
    with pytest.raises(NotFoundError):
        revoke_api_key(principal_of(admin), view.id, ports, NOW)
    assert list_api_keys(principal_of(admin), PageRequest(), ports).items == []
    assert ports.api_keys.items[view.id].revoked_at is None


@pytest.mark.parametrize(
    ("name", "role"), [("", Role.VIEWER), ("x" * 101, Role.VIEWER), ("ok", "root")]
)
def test_a_bad_name_or_role_is_invalid_input(ports, admin, name, role):
    with pytest.raises(InvalidInputError):
        create_api_key(principal_of(admin), name, role, ports, NOW)

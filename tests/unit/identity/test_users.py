import pytest

from iotsphere.domain.identity.paging import PageRequest
from iotsphere.domain.identity.requests import ProfileUpdate, RoleChange
from iotsphere.domain.identity.roles import Role
from iotsphere.services.identity.authentication import authenticate
from iotsphere.services.identity.errors import (
    AuthenticationError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
)
from iotsphere.services.identity.sessions import login
from iotsphere.services.identity.users import (
    change_role,
    end_user_sessions,
    get_me,
    get_user,
    list_users,
    remove_user,
    update_profile,
)
from tests.unit.identity.conftest import NOW, PASSWORD, add_org, add_user, principal_of


def test_an_admin_changes_a_role_and_it_is_audited(ports, admin, viewer):
    changed = change_role(
        principal_of(admin), viewer.id, RoleChange(role=Role.OPERATOR), ports, NOW
    )
    assert changed.role is Role.OPERATOR
    (entry,) = [e for e in ports.audit.entries if e.action == "user.change_role"]
    assert (entry.actor_id, entry.target_id, entry.details) == (
        admin.id,
        viewer.id,
        {"from": "viewer", "to": "operator"},
    )


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VIEWER])
def test_only_admins_change_roles_or_remove_users(ports, org, admin, viewer, role):
    caller = principal_of(add_user(ports, org, f"caller-{role}@acme.test", role))
    with pytest.raises(ForbiddenError):
        change_role(caller, viewer.id, RoleChange(role=Role.ADMIN), ports, NOW)
    with pytest.raises(ForbiddenError):
        change_role(caller, caller.subject_id, RoleChange(role=Role.ADMIN), ports, NOW)
    with pytest.raises(ForbiddenError):
        remove_user(caller, viewer.id, ports, NOW)
    assert ports.users.get(org.id, viewer.id).role is Role.VIEWER


def test_an_api_key_with_admin_role_may_manage_users(ports, admin, viewer):
    key = principal_of(admin).model_copy(update={"kind": "api_key"})
    assert change_role(key, viewer.id, RoleChange(role=Role.OPERATOR), ports, NOW)


def test_the_last_admin_cannot_be_demoted_or_removed(ports, org, admin):
    with pytest.raises(ConflictError, match="last admin"):
        change_role(principal_of(admin), admin.id, RoleChange(role=Role.VIEWER), ports, NOW)
    with pytest.raises(ConflictError, match="last admin"):
        remove_user(principal_of(admin), admin.id, ports, NOW)
    second = add_user(ports, org, "second@acme.test", Role.ADMIN)
    change_role(principal_of(second), admin.id, RoleChange(role=Role.VIEWER), ports, NOW)
    assert ports.users.count_admins(org.id) == 1


def test_users_of_another_organization_do_not_exist_for_the_caller(ports, admin):
    other_org = add_org(ports, "Globex")
    stranger = add_user(ports, other_org, "stranger@globex.test", Role.VIEWER)
    caller = principal_of(admin)
    with pytest.raises(NotFoundError):
        get_user(caller, stranger.id, ports)
    with pytest.raises(NotFoundError):
        change_role(caller, stranger.id, RoleChange(role=Role.ADMIN), ports, NOW)
    with pytest.raises(NotFoundError):
        remove_user(caller, stranger.id, ports, NOW)
    assert [u.id for u in list_users(caller, PageRequest(), ports).items] == [admin.id]
    assert ports.users.get(other_org.id, stranger.id).role is Role.VIEWER


def test_removing_a_user_ends_their_sessions(ports, admin, viewer):
    pair = login(viewer.email, PASSWORD, None, ports, NOW)
    remove_user(principal_of(admin), viewer.id, ports, NOW)
    with pytest.raises(AuthenticationError):
        authenticate(f"Bearer {pair.access_token}", ports, NOW)
    assert all(s.revoked_reason == "user_removed" for s in ports.sessions.items.values())


def test_users_are_listed_in_pages_with_a_cursor(ports, org, admin):
    for i in range(4):
        add_user(ports, org, f"u{i}@acme.test")
    caller = principal_of(admin)
    first = list_users(caller, PageRequest(limit=2), ports)
    second = list_users(caller, PageRequest(limit=2, cursor=first.next_cursor), ports)
    third = list_users(caller, PageRequest(limit=2, cursor=second.next_cursor), ports)
    emails = [u.email for page in (first, second, third) for u in page.items]
    assert len(emails) == len(set(emails)) == 5
    assert third.next_cursor is None


def test_a_user_reads_and_renames_their_own_account_without_a_password_hash(ports, viewer):
    me = get_me(principal_of(viewer), ports)
    assert "password" not in me.model_dump_json()
    renamed = update_profile(principal_of(viewer), ProfileUpdate(display_name=" Vi "), ports, NOW)
    assert renamed.display_name == "Vi"
    assert renamed.role is Role.VIEWER


def test_an_admin_signs_a_user_out_everywhere(ports, org, admin, viewer):
    pair = login(viewer.email, PASSWORD, None, ports, NOW)
    with pytest.raises(ForbiddenError):
        end_user_sessions(principal_of(viewer), viewer.id, ports, NOW)
    end_user_sessions(principal_of(admin), viewer.id, ports, NOW)
    with pytest.raises(AuthenticationError):
        authenticate(f"Bearer {pair.access_token}", ports, NOW)
    assert login(viewer.email, PASSWORD, None, ports, NOW)
    stranger = add_user(ports, add_org(ports, "Globex"), "s@globex.test")
    with pytest.raises(NotFoundError):
        end_user_sessions(principal_of(admin), stranger.id, ports, NOW)

from datetime import timedelta

import pytest

from iotsphere.domain.identity.audit import AuditEntry, AuditFilter
from iotsphere.domain.identity.paging import PageRequest
from iotsphere.domain.identity.roles import Role
from iotsphere.services.identity.audit import entry_for, list_audit, record_audit
from iotsphere.services.identity.errors import ForbiddenError
from tests.unit.identity.conftest import NOW, add_org, add_user, principal_of


def test_an_entry_says_who_what_when_from_where_and_the_target(ports, admin):
    entry = entry_for(
        principal_of(admin), "device.delete", NOW, target_type="device", target_id="d1"
    )
    record_audit(entry, ports)
    (listed,) = list_audit(principal_of(admin), AuditFilter(), PageRequest(), ports).items
    assert (listed.actor_id, listed.action, listed.at, listed.client_address, listed.target_id) == (
        admin.id,
        "device.delete",
        NOW,
        "10.0.0.9",
        "d1",
    )


def test_the_http_layer_may_build_an_entry_with_its_request(admin):
    entry = AuditEntry(
        at=NOW,
        org_id=admin.org_id,
        actor_kind="user",
        actor_id=admin.id,
        action="device.create",
        method="POST",
        path="/v1/devices",
        status=201,
        request_id="r-1",
    )
    assert entry.id.startswith(f"{int(NOW.timestamp() * 1000):011x}")


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VIEWER])
def test_only_admins_read_the_audit_log(ports, org, role):
    caller = principal_of(add_user(ports, org, f"{role}@acme.test", role))
    with pytest.raises(ForbiddenError):
        list_audit(caller, AuditFilter(), PageRequest(), ports)


def test_the_log_is_newest_first_filtered_paged_and_kept_per_organization(ports, org, admin):
    stranger = add_user(ports, add_org(ports, "Globex"), "s@globex.test", Role.ADMIN)
    record_audit(entry_for(principal_of(stranger), "user.invite", NOW), ports)
    for minute in range(5):
        action = "user.invite" if minute % 2 else "api_key.create"
        record_audit(entry_for(principal_of(admin), action, NOW + timedelta(minutes=minute)), ports)
    me = principal_of(admin)
    first = list_audit(me, AuditFilter(), PageRequest(limit=3), ports)
    rest = list_audit(me, AuditFilter(), PageRequest(limit=3, cursor=first.next_cursor), ports)
    times = [e.at for e in first.items + rest.items]
    assert times == sorted(times, reverse=True)
    assert len(times) == 5
    assert rest.next_cursor is None
    invites = list_audit(me, AuditFilter(action="user.invite"), PageRequest(), ports).items
    assert [e.at for e in invites] == [NOW + timedelta(minutes=3), NOW + timedelta(minutes=1)]
    window = AuditFilter(since=NOW + timedelta(minutes=1), until=NOW + timedelta(minutes=3))
    assert len(list_audit(me, window, PageRequest(), ports).items) == 2

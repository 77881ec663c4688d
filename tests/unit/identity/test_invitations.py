from datetime import timedelta

import pytest

from iotsphere.domain.identity.paging import PageRequest
from iotsphere.domain.identity.requests import AcceptInvitation, InviteUser
from iotsphere.domain.identity.roles import Role
from iotsphere.services.identity.authentication import authenticate
from iotsphere.services.identity.errors import (
    AuthenticationError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
)
from iotsphere.services.identity.invitations import (
    accept_invitation,
    invite_user,
    list_invitations,
    revoke_invitation,
)
from tests.unit.identity.conftest import NOW, add_org, add_user, principal_of

NEW_PASSWORD = "my own passphrase"


def accept(token, ports, at=NOW):
    body = AcceptInvitation(token=token, display_name="Olga", password=NEW_PASSWORD)
    return accept_invitation(body, "192.0.2.5", ports, at)


def test_an_invited_person_opens_the_account_with_the_role_given(ports, org, admin):
    view, token = invite_user(
        principal_of(admin), InviteUser(email="Olga@Acme.test", role=Role.OPERATOR), ports, NOW
    )
    assert view.email == "olga@acme.test"
    assert token not in ports.invitations.items[view.id].model_dump_json()
    pair = accept(token, ports)
    principal = authenticate(f"Bearer {pair.access_token}", ports, NOW)
    assert (principal.org_id, principal.role) == (org.id, Role.OPERATOR)
    assert ports.audit.actions() == ["user.invite", "user.accept_invitation"]


def test_an_invitation_opens_one_account_only(ports, admin):
    _, token = invite_user(
        principal_of(admin), InviteUser(email="o@acme.test", role=Role.VIEWER), ports, NOW
    )
    accept(token, ports)
    with pytest.raises(AuthenticationError, match="unknown, used, revoked or expired"):
        accept(token, ports)


def test_an_invitation_expires(ports, admin):
    _, token = invite_user(
        principal_of(admin), InviteUser(email="o@acme.test", role=Role.VIEWER), ports, NOW
    )
    with pytest.raises(AuthenticationError):
        accept(token, ports, NOW + ports.policy.invitation_ttl)
    assert ports.users.find_by_email("o@acme.test") is None


def test_a_revoked_invitation_cannot_be_accepted(ports, admin):
    view, token = invite_user(
        principal_of(admin), InviteUser(email="o@acme.test", role=Role.VIEWER), ports, NOW
    )
    revoke_invitation(principal_of(admin), view.id, ports, NOW)
    with pytest.raises(AuthenticationError):
        accept(token, ports)
    with pytest.raises(ConflictError):
        revoke_invitation(principal_of(admin), view.id, ports, NOW)


def test_an_address_with_an_account_cannot_be_invited(ports, admin, viewer):
    with pytest.raises(ConflictError):
        invite_user(
            principal_of(admin), InviteUser(email="VIEWER@acme.test", role=Role.VIEWER), ports, NOW
        )


def test_only_user_managers_invite_and_nobody_invites_above_their_role(ports, org, admin):
    operator = principal_of(add_user(ports, org, "op@acme.test", Role.OPERATOR))
    with pytest.raises(ForbiddenError):
        invite_user(operator, InviteUser(email="x@acme.test", role=Role.VIEWER), ports, NOW)
    admin_key = principal_of(admin).model_copy(update={"role": Role.ADMIN, "kind": "api_key"})
    assert invite_user(admin_key, InviteUser(email="x@acme.test", role=Role.ADMIN), ports, NOW)


def test_invitations_of_another_organization_are_not_found(ports, admin):
    globex_admin = add_user(ports, add_org(ports, "Globex"), "boss@globex.test", Role.ADMIN)
    view, _ = invite_user(
        principal_of(globex_admin), InviteUser(email="o@globex.test", role=Role.VIEWER), ports, NOW
    )
    with pytest.raises(NotFoundError):
        revoke_invitation(principal_of(admin), view.id, ports, NOW)
    assert list_invitations(principal_of(admin), PageRequest(), ports).items == []
    assert len(list_invitations(principal_of(globex_admin), PageRequest(), ports).items) == 1


def test_a_wrong_token_is_refused(ports, admin):
    invite_user(principal_of(admin), InviteUser(email="o@acme.test", role=Role.VIEWER), ports, NOW)
    with pytest.raises(AuthenticationError):
        accept("inv_" + "A" * 43, ports)
    with pytest.raises(AuthenticationError):
        accept("isk_" + "A" * 43, ports, NOW + timedelta(seconds=1))

"""Invitations: an admin invites an e-mail address with a role; whoever holds the token (shown
once, sent to the address) opens that account with a password of their own."""

from __future__ import annotations

from datetime import datetime

from iotsphere.domain.identity.ids import new_id
from iotsphere.domain.identity.invitations import Invitation
from iotsphere.domain.identity.paging import Page, PageRequest
from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.identity.requests import AcceptInvitation, InviteUser
from iotsphere.domain.identity.roles import Permission
from iotsphere.domain.identity.sessions import TokenPair
from iotsphere.domain.identity.user import User
from iotsphere.domain.identity.views import InvitationView
from iotsphere.services.identity.access import require, require_grantable
from iotsphere.services.identity.audit import entry_for, record_audit, user_entry
from iotsphere.services.identity.errors import AuthenticationError, ConflictError, NotFoundError
from iotsphere.services.identity.opaque import INVITATION_PREFIX, new_secret, secret_hash
from iotsphere.services.identity.paging import page_of
from iotsphere.services.identity.ports import IdentityPorts
from iotsphere.services.identity.sessions import start_session


def invite_user(
    principal: Principal, invite: InviteUser, ports: IdentityPorts, now: datetime
) -> tuple[InvitationView, str]:
    """The invitation and its token, which is never shown again."""
    require(principal, Permission.MANAGE_USERS)
    require_grantable(principal, invite.role)
    if ports.users.find_by_email(invite.email) is not None:
        raise ConflictError(f"{invite.email} already has an account")
    token = new_secret(INVITATION_PREFIX)
    invitation = Invitation(
        id=new_id(now),
        org_id=principal.org_id,
        email=invite.email,
        role=invite.role,
        token_hash=secret_hash(token),
        invited_by=principal.subject_id,
        created_at=now,
        expires_at=now + ports.policy.invitation_ttl,
    )
    ports.invitations.add(invitation)
    record_audit(
        entry_for(
            principal,
            "user.invite",
            now,
            target_type="invitation",
            target_id=invitation.id,
            details={"email": invite.email, "role": invite.role},
        ),
        ports,
    )
    return InvitationView.of(invitation), token


def accept_invitation(
    accept: AcceptInvitation, client_address: str | None, ports: IdentityPorts, now: datetime
) -> TokenPair:
    """Open the invited account and sign it in."""
    invitation = None
    if accept.token.startswith(INVITATION_PREFIX):
        invitation = ports.invitations.find_by_hash(secret_hash(accept.token))
    if invitation is None or not invitation.open(now):
        raise AuthenticationError("the invitation is unknown, used, revoked or expired")
    user = User(
        id=new_id(now),
        org_id=invitation.org_id,
        email=invitation.email,
        display_name=accept.display_name,
        role=invitation.role,
        password_hash=ports.hasher.hash(accept.password),
        created_at=now,
        password_changed_at=now,
    )
    if not ports.invitations.mark_accepted(invitation.org_id, invitation.id, now):
        raise AuthenticationError("the invitation is unknown, used, revoked or expired")
    ports.users.add(user)  # ConflictError if the address got an account meanwhile
    record_audit(
        user_entry(
            user.org_id,
            user.id,
            client_address,
            "user.accept_invitation",
            now,
            target_type="invitation",
            target_id=invitation.id,
        ),
        ports,
    )
    return start_session(user, client_address, ports, now)


def list_invitations(
    principal: Principal, page: PageRequest, ports: IdentityPorts
) -> Page[InvitationView]:
    require(principal, Permission.MANAGE_USERS)
    found = ports.invitations.list(principal.org_id, page.cursor, page.limit + 1)
    return page_of(found, page.limit, InvitationView.of)


def revoke_invitation(
    principal: Principal, invitation_id: str, ports: IdentityPorts, now: datetime
) -> None:
    require(principal, Permission.MANAGE_USERS)
    if ports.invitations.get(principal.org_id, invitation_id) is None:
        raise NotFoundError(f"no invitation {invitation_id[:40]!r}")
    if not ports.invitations.revoke(principal.org_id, invitation_id, now):
        raise ConflictError("the invitation was accepted or revoked already")
    record_audit(
        entry_for(
            principal, "invitation.revoke", now, target_type="invitation", target_id=invitation_id
        ),
        ports,
    )

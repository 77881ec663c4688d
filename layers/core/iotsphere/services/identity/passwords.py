"""Changing one's password: checks the current one (throttled like a login), then ends every
session of the user and opens a new one for the caller."""

from __future__ import annotations

from datetime import datetime

from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.identity.requests import PasswordChange
from iotsphere.domain.identity.sessions import TokenPair
from iotsphere.services.identity.access import require_user
from iotsphere.services.identity.audit import entry_for, record_audit
from iotsphere.services.identity.errors import (
    AuthenticationError,
    InvalidInputError,
    NotFoundError,
)
from iotsphere.services.identity.lookups import forget_user
from iotsphere.services.identity.ports import IdentityPorts
from iotsphere.services.identity.sessions import end_all_sessions, start_session
from iotsphere.services.identity.throttling import check_login_allowed, record_login_failure


def change_password(
    principal: Principal, change: PasswordChange, ports: IdentityPorts, now: datetime
) -> TokenPair:
    user_id = require_user(principal)
    user = ports.users.get(principal.org_id, user_id)
    if user is None:
        raise NotFoundError("no such user")
    check_login_allowed(user.email, principal.client_address, ports, now)
    if not ports.hasher.verify(user.password_hash, change.current_password):
        record_login_failure(user.email, principal.client_address, ports, now)
        record_audit(
            entry_for(
                principal,
                "user.change_password",
                now,
                outcome="failure",
                target_type="user",
                target_id=user.id,
            ),
            ports,
        )
        raise AuthenticationError("the current password is wrong")
    if change.new_password == change.current_password:
        raise InvalidInputError("new_password", "must differ from the current password")
    user = user.model_copy(
        update={"password_hash": ports.hasher.hash(change.new_password), "password_changed_at": now}
    )
    ports.users.save(user)
    forget_user(user.org_id, user.id, ports)
    end_all_sessions(user.org_id, user.id, "password_change", ports, now)
    record_audit(
        entry_for(principal, "user.change_password", now, target_type="user", target_id=user.id),
        ports,
    )
    return start_session(user, principal.client_address, ports, now)

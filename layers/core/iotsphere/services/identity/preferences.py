"""The caller's own preferences: units, time zone, notification defaults."""

from __future__ import annotations

from datetime import datetime

from iotsphere.domain.identity.preferences import Preferences
from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.identity.requests import PreferencesUpdate
from iotsphere.services.identity.access import require_user
from iotsphere.services.identity.audit import entry_for, record_audit
from iotsphere.services.identity.errors import NotFoundError
from iotsphere.services.identity.ports import IdentityPorts
from iotsphere.services.identity.users import find_user


def get_preferences(principal: Principal, ports: IdentityPorts) -> Preferences:
    user_id = require_user(principal)
    return find_user(principal.org_id, user_id, ports).preferences


def update_preferences(
    principal: Principal, update: PreferencesUpdate, ports: IdentityPorts, now: datetime
) -> Preferences:
    """Change the fields given; the others keep their value."""
    user_id = require_user(principal)
    user = find_user(principal.org_id, user_id, ports)
    changes = update.model_dump(exclude={"version"}, exclude_none=True)
    preferences = Preferences.model_validate({**user.preferences.model_dump(), **changes})
    if not ports.users.save(user.model_copy(update={"preferences": preferences})):
        raise NotFoundError(f"no user {user_id[:40]!r}")
    record_audit(
        entry_for(principal, "user.update_preferences", now, target_type="user", target_id=user.id),
        ports,
    )
    return preferences

"""API keys for integrations: created by a principal allowed to manage credentials, with a role
no higher than its own; the key is shown once, only its hash is kept."""

from __future__ import annotations

from datetime import datetime

from iotsphere.domain.identity.api_keys import ApiKeyRecord
from iotsphere.domain.identity.ids import new_id
from iotsphere.domain.identity.paging import Page, PageRequest
from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.identity.requests import NewApiKey
from iotsphere.domain.identity.roles import Permission, Role
from iotsphere.domain.identity.views import ApiKeyView
from iotsphere.services.identity.access import require, require_grantable
from iotsphere.services.identity.audit import entry_for, record_audit
from iotsphere.services.identity.errors import ConflictError, NotFoundError
from iotsphere.services.identity.inputs import parse_input
from iotsphere.services.identity.opaque import (
    API_KEY_PREFIX,
    new_secret,
    secret_hash,
    shown_prefix,
)
from iotsphere.services.identity.paging import page_of
from iotsphere.services.identity.ports import IdentityPorts


def create_api_key(
    principal: Principal, name: str, role: Role, ports: IdentityPorts, now: datetime
) -> tuple[ApiKeyView, str]:
    """The key as listed, and the key itself: use it as ``Authorization: ApiKey <key>``."""
    require(principal, Permission.MANAGE_CREDENTIALS)
    new = parse_input(NewApiKey, {"name": name, "role": role})
    require_grantable(principal, new.role)
    secret = new_secret(API_KEY_PREFIX)
    record = ApiKeyRecord(
        id=new_id(now),
        org_id=principal.org_id,
        name=new.name,
        role=new.role,
        prefix=shown_prefix(secret),
        secret_hash=secret_hash(secret),
        created_at=now,
        created_by=principal.subject_id,
    )
    ports.api_keys.add(record)
    record_audit(
        entry_for(
            principal,
            "api_key.create",
            now,
            target_type="api_key",
            target_id=record.id,
            details={"name": record.name, "role": record.role},
        ),
        ports,
    )
    return ApiKeyView.of(record), secret


def list_api_keys(
    principal: Principal, page: PageRequest, ports: IdentityPorts
) -> Page[ApiKeyView]:
    """Every key of the organization, revoked ones too, with when each was last used."""
    require(principal, Permission.MANAGE_CREDENTIALS)
    found = ports.api_keys.list(principal.org_id, page.cursor, page.limit + 1)
    return page_of(found, page.limit, ApiKeyView.of)


def revoke_api_key(principal: Principal, key_id: str, ports: IdentityPorts, now: datetime) -> None:
    """The key stops working at once (keys are read on every request)."""
    require(principal, Permission.MANAGE_CREDENTIALS)
    if ports.api_keys.get(principal.org_id, key_id) is None:
        raise NotFoundError(f"no API key {key_id[:40]!r}")
    if not ports.api_keys.revoke(principal.org_id, key_id, now):
        raise ConflictError("the API key is revoked already")
    record_audit(
        entry_for(principal, "api_key.revoke", now, target_type="api_key", target_id=key_id),
        ports,
    )

"""The audit log: every change made by a person or a key is recorded; admins read it."""

from __future__ import annotations

from datetime import datetime

from iotsphere.domain.identity.audit import AuditEntry, AuditFilter, Outcome
from iotsphere.domain.identity.paging import Page, PageRequest
from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.identity.roles import Permission
from iotsphere.services.identity.access import require
from iotsphere.services.identity.paging import page_of
from iotsphere.services.identity.ports import IdentityPorts

__all__ = ["AuditEntry", "AuditFilter", "entry_for", "list_audit", "record_audit", "user_entry"]


def entry_for(
    principal: Principal,
    action: str,
    now: datetime,
    *,
    target_type: str | None = None,
    target_id: str | None = None,
    outcome: Outcome = "success",
    details: dict[str, str] | None = None,
) -> AuditEntry:
    """An entry for something ``principal`` did now, from the address it called from."""
    return AuditEntry(
        org_id=principal.org_id,
        at=now,
        actor_kind=principal.kind,
        actor_id=principal.subject_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        client_address=principal.client_address,
        outcome=outcome,
        details=details or {},
    )


def user_entry(
    org_id: str,
    user_id: str,
    client_address: str | None,
    action: str,
    now: datetime,
    *,
    target_type: str,
    target_id: str,
    outcome: Outcome = "success",
) -> AuditEntry:
    """An entry for a user who is not signed in yet (login, refresh, accepting an invitation)."""
    return AuditEntry(
        org_id=org_id,
        at=now,
        actor_kind="user",
        actor_id=user_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        client_address=client_address,
        outcome=outcome,
    )


def record_audit(entry: AuditEntry, ports: IdentityPorts) -> None:
    ports.audit.append(entry)


def list_audit(
    principal: Principal, filters: AuditFilter, page: PageRequest, ports: IdentityPorts
) -> Page[AuditEntry]:
    """Newest first, admins only; ``page.cursor`` is the last id of the previous page."""
    require(principal, Permission.READ_AUDIT)
    found = ports.audit.list(principal.org_id, filters, page.cursor, page.limit + 1)
    return page_of(found, page.limit, lambda entry: entry)

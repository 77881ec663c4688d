"""Authentication and the audit trail, through the identity services the bootstrap builds."""

from __future__ import annotations

from datetime import UTC, datetime

from aws_lambda_powertools import Logger

from iotsphere import bootstrap
from iotsphere.domain.identity.audit import AuditEntry, Outcome
from iotsphere.domain.identity.principal import Principal
from iotsphere.services.identity.audit import record_audit
from iotsphere.services.identity.authentication import authenticate as authenticate_header

logger = Logger(service="api")


def authenticate(authorization: str | None, client_address: str) -> Principal:
    now = datetime.now(tz=UTC)
    return authenticate_header(authorization, bootstrap.identity_ports(), now, client_address)


def record_change(
    *,
    principal: Principal,
    action: str,
    method: str,
    path: str,
    target: dict[str, str],
    status: int,
    request_id: str,
) -> None:
    """One audit entry per change a caller asked for, whatever its outcome."""
    try:
        record_audit(
            audit_entry(principal, action, method, path, target, status, request_id),
            bootstrap.identity_ports(),
        )
    except Exception:  # a change that happened is never reported as failed for want of a log
        logger.exception("audit entry not stored", extra={"request_id": request_id})


def audit_entry(
    principal: Principal,
    action: str,
    method: str,
    path: str,
    target: dict[str, str],
    status: int,
    request_id: str,
) -> AuditEntry:
    target_type, target_id = next(iter(target.items()), (None, None))
    outcome: Outcome = "success"
    if status >= 400:
        outcome = "denied" if status in (401, 403) else "failure"
    return AuditEntry(
        at=datetime.now(tz=UTC),
        org_id=principal.org_id,
        actor_kind=principal.kind,
        actor_id=principal.subject_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        client_address=principal.client_address,
        outcome=outcome,
        method=method,
        path=path,  # AuditEntry keeps a long one as its start, length and digest
        status=status,
        request_id=request_id,
    )

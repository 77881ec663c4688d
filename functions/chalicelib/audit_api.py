"""User API, the audit log: who changed what, when and from where."""

from __future__ import annotations

from pydantic import ConfigDict

from chalicelib.http import Api, RequestContext
from iotsphere import bootstrap
from iotsphere.domain.identity.audit import AuditEntry, AuditFilter
from iotsphere.domain.identity.paging import Page, PageRequest
from iotsphere.domain.identity.roles import Permission
from iotsphere.services.identity.audit import list_audit

api = Api(tag="audit", description="Every change made through the API, newest first")
bp = api.blueprint


class AuditQuery(AuditFilter, PageRequest):
    model_config = ConfigDict(frozen=True, extra="forbid")


@api.route(
    "GET",
    "/audit",
    summary="Audit entries matching every filter given",
    permission=Permission.READ_AUDIT,
    query=AuditQuery,
    response=Page[AuditEntry],
)
def list_audit_entries(ctx: RequestContext, query: AuditQuery) -> Page[AuditEntry]:
    filters = AuditFilter.model_validate(query.model_dump(include=set(AuditFilter.model_fields)))
    page = PageRequest(cursor=query.cursor, limit=query.limit)
    return list_audit(ctx.caller, filters, page, bootstrap.identity_ports())

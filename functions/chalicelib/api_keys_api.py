"""User API, credentials for integrations: API keys scoped to the organization and a role."""

from __future__ import annotations

from pydantic import BaseModel, Field

from chalicelib.http import Api, RequestContext
from chalicelib.http.clock import now
from iotsphere import bootstrap
from iotsphere.domain.identity.fields import RecordId
from iotsphere.domain.identity.paging import Page, PageRequest
from iotsphere.domain.identity.requests import NewApiKey
from iotsphere.domain.identity.roles import Permission
from iotsphere.domain.identity.views import ApiKeyView
from iotsphere.services.identity import api_keys

api = Api(tag="api-keys", description="Keys for integrations: shown once, stored hashed")
bp = api.blueprint


class KeyPath(BaseModel):
    key_id: RecordId


class ApiKeyCreated(BaseModel):
    key: ApiKeyView
    secret: str = Field(description="use as `Authorization: ApiKey <secret>`; never shown again")


@api.route(
    "POST",
    "/api-keys",
    summary="Create a key",
    permission=Permission.MANAGE_CREDENTIALS,
    body=NewApiKey,
    response=ApiKeyCreated,
    status=201,
    service_audits=True,
)
def create_api_key(ctx: RequestContext, body: NewApiKey) -> ApiKeyCreated:
    key, secret = api_keys.create_api_key(
        ctx.caller, body.name, body.role, bootstrap.identity_ports(), now()
    )
    return ApiKeyCreated(key=key, secret=secret)


@api.route(
    "GET",
    "/api-keys",
    summary="Every key, with when it was last used",
    permission=Permission.MANAGE_CREDENTIALS,
    query=PageRequest,
    response=Page[ApiKeyView],
)
def list_api_keys(ctx: RequestContext, query: PageRequest) -> Page[ApiKeyView]:
    return api_keys.list_api_keys(ctx.caller, query, bootstrap.identity_ports())


@api.route(
    "DELETE",
    "/api-keys/{key_id}",
    summary="Revoke a key; it stops working at once",
    permission=Permission.MANAGE_CREDENTIALS,
    path_params=KeyPath,
    status=204,
    problems=(409,),
    service_audits=True,
)
def revoke_api_key(ctx: RequestContext, path: KeyPath) -> None:
    api_keys.revoke_api_key(ctx.caller, path.key_id, bootstrap.identity_ports(), now())

"""``Api``: declares a route once — path, models, permission — and Chalice, the OpenAPI document,
authentication, problem details and the audit trail all follow from that one declaration."""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote

from aws_lambda_powertools import Logger
from chalice.app import Blueprint, Request, Response
from pydantic import BaseModel

from chalicelib.http import security
from chalicelib.http.errors import as_problem
from chalicelib.http.problems import ProblemError, problem_response
from chalicelib.http.requests import parse_body, parse_params
from iotsphere import bootstrap
from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.identity.roles import Permission

API_PREFIX = "/v1"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
logger = Logger(service="api")


@dataclass(frozen=True)
class RequestContext:
    """Who is asking, from where, under which request id."""

    principal: Principal | None
    client_address: str
    request_id: str
    path: str

    @property
    def caller(self) -> Principal:
        """The authenticated principal of a route that requires one."""
        if self.principal is None:
            raise ProblemError(401, "this route needs a credential")
        return self.principal


@dataclass(frozen=True)
class RouteSpec:
    """Everything the OpenAPI document needs to know about one route."""

    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    permission: Permission | None
    status: int
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    path_params: type[BaseModel] | None = None
    response: Any = None
    problems: tuple[int, ...] = ()
    service_audits: bool = False

    @property
    def action(self) -> str:
        """What the audit log calls this route: ``<tag>.<operation>``."""
        return f"{self.tag.replace('-', '_')}.{self.operation_id}"


@dataclass
class Api:
    """A Blueprint plus the routes declared through it, all under ``/v1``."""

    tag: str
    description: str = ""
    blueprint: Blueprint = field(init=False)
    routes: list[RouteSpec] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.blueprint = Blueprint(f"chalicelib.api.{self.tag}")

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        permission: Permission | None,
        status: int = 200,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        path_params: type[BaseModel] | None = None,
        response: Any = None,
        problems: tuple[int, ...] = (),
        service_audits: bool = False,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register ``handler(ctx, body=, query=, path=)``; ``permission=None`` is public."""

        def register(handler: Callable[..., Any]) -> Callable[..., Any]:
            spec = RouteSpec(
                method=method,
                path=API_PREFIX + path,
                operation_id=handler.__name__,
                summary=summary,
                tag=self.tag,
                permission=permission,
                status=status,
                body=body,
                query=query,
                path_params=path_params,
                response=response,
                problems=problems,
                service_audits=service_audits,
            )
            self.routes.append(spec)
            view = functools.wraps(handler)(
                lambda **uri_params: self._serve(spec, handler, uri_params)
            )
            self.blueprint.route(spec.path, methods=[method], content_types=["*/*"])(view)
            return handler

        return register

    def _serve(
        self, spec: RouteSpec, handler: Callable[..., Any], uri_params: dict[str, str]
    ) -> Response:
        request: Request = self.blueprint.current_request
        uri_params = decoded(uri_params)
        context = RequestContext(
            principal=None,
            client_address=client_address(request, bootstrap.settings().trusted_proxy_hops),
            request_id=request_id(request),
            path=str((request.context or {}).get("path") or request.path),
        )
        try:
            if spec.permission is not None:
                context = replace(context, principal=authenticate(request, context))
                require(spec.permission, context.principal)
            result = handler(context, **parse_inputs(spec, request, uri_params))
            response = render(spec, result)
        except Exception as exc:  # every error leaves as a problem, never as a stack trace
            problem = as_problem(exc)
            if problem.status >= 500:
                logger.exception("route failed", extra={"request_id": context.request_id})
            response = problem_response(problem, instance=context.path)
        audit(spec, context, uri_params, response.status_code)
        response.headers["X-Request-Id"] = context.request_id
        return response


def decoded(uri_params: dict[str, str]) -> dict[str, str]:
    """Path parameters as API Gateway hands them to a handler: percent-decoded. Chalice's local
    server passes them as sent (``a%3Ab``). Decoding twice is harmless for our parameters, whose
    patterns exclude ``%``."""
    return {name: unquote(value) for name, value in uri_params.items()}


def authenticate(request: Request, context: RequestContext) -> Principal:
    return security.authenticate(request.headers.get("authorization"), context.client_address)


def require(permission: Permission, principal: Principal | None) -> None:
    if principal is None or not principal.can(permission):
        role = principal.role if principal else "anonymous"
        raise ProblemError(403, f"the {role} role does not have the {permission} permission")


def parse_inputs(
    spec: RouteSpec, request: Request, uri_params: dict[str, str]
) -> dict[str, BaseModel]:
    inputs: dict[str, BaseModel] = {}
    if spec.path_params is not None:
        path_values = {name: [value] for name, value in uri_params.items()}
        inputs["path"] = parse_params("path", path_values, spec.path_params)
    if spec.query is not None:
        query = request.query_params
        values = {name: query.getlist(name) for name in query} if query else {}
        inputs["query"] = parse_params("query", values, spec.query)
    elif request.query_params:
        raise ProblemError(400, f"query: this route takes no parameters ({spec.path})")
    if spec.body is not None:
        raw = request.raw_body or b""
        raw = raw.encode() if isinstance(raw, str) else raw
        inputs["body"] = parse_body(raw, request.headers.get("content-type"), spec.body)
    return inputs


def render(spec: RouteSpec, result: Any) -> Response:
    if isinstance(result, Response):
        return result
    if result is None:
        return Response(body="", status_code=204)
    body = (
        result.model_dump(mode="json", by_alias=True) if isinstance(result, BaseModel) else result
    )
    return Response(
        body=json.dumps(body),
        status_code=spec.status,
        headers={"Content-Type": "application/json"},
    )


def audit(spec: RouteSpec, context: RequestContext, target: dict[str, str], status: int) -> None:
    """Every change a caller asks for, whether it succeeded or not, once it is authenticated.

    Routes whose service writes its own entry on success (``service_audits``) add only failures.
    """
    if spec.method in READ_METHODS or context.principal is None:
        return
    if spec.service_audits and status < 400:
        return
    security.record_change(
        principal=context.principal,
        action=spec.action,
        method=spec.method,
        path=context.path,
        target=target,
        status=status,
        request_id=context.request_id,
    )


def client_address(request: Request, trusted_hops: int) -> str:
    """Who is calling, for throttling and the audit log. With ``trusted_hops`` proxies in front
    (the web app's server, a CDN) each appends the address it saw to X-Forwarded-For, so the
    entry that many places from the right is the caller; anything left of it is the caller's own
    claim and never trusted. Without enough entries the source address counts."""
    identity = (request.context or {}).get("identity") or {}
    source = str(identity.get("sourceIp") or "unknown")
    if trusted_hops < 1:
        return source
    forwarded = str(request.headers.get("x-forwarded-for") or "") if request.headers else ""
    entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    return entries[-trusted_hops] if len(entries) >= trusted_hops else source


def request_id(request: Request) -> str:
    return str((request.context or {}).get("requestId") or uuid.uuid4().hex)

"""The conventions every route gets from ``Api``: problem details, auth, parsing, audit."""

from __future__ import annotations

import json

import pytest
from chalice import Chalice
from chalice.test import Client
from pydantic import BaseModel, ConfigDict, Field

from chalicelib.http import Api, RequestContext, security
from chalicelib.http.problems import PROBLEM_MEDIA_TYPE
from chalicelib.http.requests import MAX_BODY_BYTES
from iotsphere.domain.identity.roles import Permission
from iotsphere.services.identity.errors import ConflictError


class Widget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=20)
    size: int = Field(ge=1)


class WidgetQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    size: int = Field(default=1, ge=1, le=10)


test_api = Api(tag="widgets")


@test_api.route("GET", "/widgets", summary="list", permission=Permission.READ, query=WidgetQuery)
def list_widgets(ctx: RequestContext, query: WidgetQuery) -> dict[str, int]:
    return {"size": query.size}


@test_api.route(
    "POST",
    "/widgets",
    summary="create",
    permission=Permission.OPERATE_DEVICES,
    status=201,
    body=Widget,
    response=Widget,
)
def create_widget(ctx: RequestContext, body: Widget) -> Widget:
    if body.name == "taken":
        raise ConflictError("a widget named taken exists")
    if body.name == "boom":
        raise RuntimeError("secret internals /srv/app.py line 3")
    return body


class WidgetPath(BaseModel):
    model_config = ConfigDict(extra="forbid")

    widget_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")


@test_api.route(
    "GET", "/widgets/{widget_id}", summary="one", permission=Permission.READ, path_params=WidgetPath
)
def get_widget(ctx: RequestContext, path: WidgetPath) -> dict[str, str]:
    return {"id": path.widget_id}


# Chalice consumes a Blueprint's route options when it registers them: one app per module.
app = Chalice(app_name="conventions")
app.register_blueprint(test_api.blueprint)


@pytest.fixture
def client(callers):
    with Client(app) as test_client:
        yield test_client


def post(client, body, token="Bearer operator", content_type="application/json"):  # noqa: S107
    raw = body if isinstance(body, str) else json.dumps(body)
    headers = {"Authorization": token, "Content-Type": content_type}
    return client.http.post("/v1/widgets", body=raw, headers=headers)


def problem(response):
    assert response.headers["Content-Type"] == PROBLEM_MEDIA_TYPE
    body = json.loads(response.body)
    assert body["status"] == response.status_code
    return body


def test_a_valid_body_is_created_and_audited(client, audit_log):
    response = post(client, {"name": "pump", "size": 3})
    assert response.status_code == 201
    assert response.json_body == {"name": "pump", "size": 3}
    assert [(e.action, e.status, e.actor_id, e.outcome) for e in audit_log] == [
        ("widgets.create_widget", 201, "operator-1", "success")
    ]


def test_a_change_is_answered_even_when_the_audit_log_is_down(client, monkeypatch):
    def unavailable(entry, ports):
        raise ConnectionError("audit store down")

    monkeypatch.setattr(security, "record_audit", unavailable)
    assert post(client, {"name": "pump", "size": 3}).status_code == 201


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ("{not json", 400, "not valid JSON"),
        ("[1, 2]", 400, "must be a JSON object"),
        ({"name": {"$ne": None}, "size": 1}, 400, "body.name.$ne: keys starting with '$'"),
        ({"name": "pump"}, 422, "body.size: Field required"),
        ({"name": "pump", "size": 0}, 422, "body.size: Input should be greater than or equal"),
        ({"name": "pump", "size": 1, "role": "admin"}, 422, "body.role: Extra inputs"),
        ({"name": "taken", "size": 1}, 409, "a widget named taken exists"),
        ({"name": "pump", "size": True}, 422, "body.size: Input should be a valid integer"),
        ({"name": "pump", "size": 2**64}, 422, "body.size: integers must lie within"),
        ({"name": "pump", "size": "3"}, 422, "body.size: Input should be a valid integer"),
        ({"name": "pump", "size": 1, "x\u0000y": 1}, 400, "NUL characters are not accepted"),
        ({"name": "pu\u0000mp", "size": 1}, 400, "body.name: keys starting"),
    ],
)
def test_bad_bodies_get_a_precise_problem(client, body, status, detail):
    response = post(client, body)
    assert response.status_code == status
    assert detail in problem(response)["detail"]


def test_field_errors_say_where(client):
    body = problem(post(client, {"name": "", "size": "many"}))
    assert {e["location"] for e in body["errors"]} == {"body.name", "body.size"}


def test_an_oversized_body_is_413(client):
    response = post(client, {"name": "x" * MAX_BODY_BYTES, "size": 1})
    assert response.status_code == 413
    assert "at most" in problem(response)["detail"]


@pytest.mark.parametrize("depth", [100, 2000, 100_000])
def test_a_body_nested_too_deep_is_400_not_a_crash(client, depth):
    body = '{"name": "pump", "size": 1, "extra": ' + "[" * depth + "]" * depth + "}"
    response = post(client, body)
    assert response.status_code == 400
    assert "nests deeper than" in problem(response)["detail"]


def test_another_media_type_is_415(client):
    response = post(client, "name=pump", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_no_credential_is_401_with_a_challenge(client):
    response = post(client, {"name": "pump", "size": 1}, token="Bearer nobody")
    assert response.status_code == 401
    assert "Bearer" in response.headers["WWW-Authenticate"]
    assert problem(response)["detail"] == "missing or invalid credential"


def test_a_viewer_cannot_change_but_can_read(client, audit_log):
    assert post(client, {"name": "pump", "size": 1}, token="Bearer viewer").status_code == 403
    read = client.http.get("/v1/widgets?size=2", headers={"Authorization": "Bearer viewer"})
    assert read.status_code == 200
    assert read.json_body == {"size": 2}
    assert [(e.status, e.outcome) for e in audit_log] == [(403, "denied")]


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("size=11", "query.size: Input should be less than or equal to 10"),
        ("size=two", "query.size: Input should be a valid integer"),
        ("colour=red", "query.colour: unknown parameter"),
        ("size=1&size=2", "query.size: give it once"),
    ],
)
def test_bad_queries_are_400(client, query, detail):
    response = client.http.get(f"/v1/widgets?{query}", headers={"Authorization": "Bearer admin"})
    assert response.status_code == 400
    assert detail in problem(response)["detail"]


def test_a_nul_in_a_query_is_refused_and_never_echoed(client):
    response = client.http.get("/v1/widgets?size=%00", headers={"Authorization": "Bearer admin"})
    assert response.status_code == 422
    assert "query.size: NUL characters are not accepted" in problem(response)["detail"]


def test_an_unexpected_failure_is_a_500_without_internals(client):
    response = post(client, {"name": "boom", "size": 1})
    assert response.status_code == 500
    body = problem(response)
    assert "secret" not in response.body.decode()
    assert "X-Request-Id" in body["detail"]
    assert response.headers["X-Request-Id"]


def test_a_percent_encoded_path_parameter_is_read_decoded(client):
    """API Gateway hands a handler decoded path parameters; the local server does not, so an id
    with a colon sent as %3A must still match its pattern."""
    response = client.http.get("/v1/widgets/a%3Ab", headers={"Authorization": "Bearer viewer"})
    assert response.status_code == 200, response.body
    assert json.loads(response.body) == {"id": "a:b"}

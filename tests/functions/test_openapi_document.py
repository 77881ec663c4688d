"""The served OpenAPI document: complete enough to generate a typed client from."""

from __future__ import annotations

import pytest

from chalicelib.apis import ALL_APIS


@pytest.fixture
def document(client):
    response = client.http.get("/v1/openapi.json")
    assert response.status_code == 200
    return response.json_body


def all_operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_declared_route_is_in_the_document(document):
    declared = {(r.path, r.method.lower()) for api in ALL_APIS for r in api.routes}
    assert declared == {(path, method) for path, method, _ in all_operations(document)}
    assert document["openapi"].startswith("3.1")
    assert all(path.startswith("/v1/") for path in document["paths"])


def test_operations_have_ids_security_and_problem_answers(document):
    ids = [op["operationId"] for _, _, op in all_operations(document)]
    assert len(ids) == len(set(ids))
    for path, _, op in all_operations(document):
        problems = {
            s
            for s, answer in op["responses"].items()
            if "application/problem+json" in answer.get("content", {})
        }
        assert {"400", "500"} <= problems, path
        if op["security"]:
            assert {"401", "403"} <= problems, path


def test_every_reference_resolves(document):
    schemas = document["components"]["schemas"]

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    names = {ref.rsplit("/", 1)[-1] for ref in refs(document)}
    assert names
    assert names <= set(schemas)


def test_the_telemetry_route_documents_its_parameters(document):
    op = document["paths"]["/v1/devices/{device_id}/telemetry"]["get"]
    params = {(p["in"], p["name"]): p for p in op["parameters"]}
    assert params[("path", "device_id")]["required"]
    assert params[("query", "metric")]["required"]
    assert not params[("query", "limit")]["required"]
    assert params[("query", "limit")]["schema"]["maximum"] == 10_000


def test_the_docs_page_lists_every_operation(client, document):
    page = client.http.get("/v1/docs")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    html = page.body.decode()
    for _, _, op in all_operations(document):
        assert f"id='{op['operationId']}'" in html

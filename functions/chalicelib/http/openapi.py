"""The OpenAPI 3.1 document, built from the routes' own declarations and pydantic models."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import (
    GenerateJsonSchema,
    JsonSchemaMode,
    JsonSchemaValue,
    models_json_schema,
)
from pydantic_core import core_schema

from chalicelib.http.problems import PROBLEM_MEDIA_TYPE, TITLES, Problem
from chalicelib.http.routing import Api, RouteSpec

REF = "#/components/schemas/{model}"
PATH_PARAM = re.compile(r"{(\w+)}")
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "apiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "`ApiKey <key>`: a key created for an integration",
    },
}


def build_openapi(apis: Iterable[Api], title: str, version: str) -> dict[str, Any]:
    apis = list(apis)
    routes = [route for api in apis for route in api.routes]
    schemas = Schemas(routes)
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = operation(route, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "servers": [{"url": "/"}],
        "tags": [{"name": api.tag, "description": api.description} for api in apis],
        "paths": paths,
        "components": {"schemas": schemas.components, "securitySchemes": SECURITY_SCHEMES},
    }


NO_NUL = "^[^\u0000]*$"
SAFE_KEY = "^([^$\u0000][^\u0000]*)?$"


class RequestRules(GenerateJsonSchema):
    """What the router refuses, stated in the schema too: no NUL character in any text and no
    object key starting with ``$`` (a MongoDB operator), so clients and fuzzers know it."""

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        generated = super().str_schema(schema)
        if self.mode == "validation":
            generated.setdefault("pattern", NO_NUL)
        return generated

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        generated = super().dict_schema(schema)
        if self.mode == "validation":
            generated.setdefault("propertyNames", {"pattern": SAFE_KEY})
        return generated


class Schemas:
    """JSON schemas of every model the routes name, as one set of components."""

    def __init__(self, routes: list[RouteSpec]) -> None:
        models: list[tuple[type[BaseModel], JsonSchemaMode]] = [(Problem, "serialization")]
        for route in routes:
            for model in (route.body, route.query, route.path_params):
                if model is not None:
                    models.append((model, "validation"))
            if isinstance(route.response, type) and issubclass(route.response, BaseModel):
                models.append((route.response, "serialization"))
        refs, top = models_json_schema(models, ref_template=REF, schema_generator=RequestRules)
        self.components: dict[str, Any] = top.get("$defs", {})
        self._refs = refs

    def ref(self, model: type[BaseModel], mode: JsonSchemaMode) -> dict[str, Any]:
        return dict(self._refs[(model, mode)])

    def properties(self, model: type[BaseModel]) -> tuple[dict[str, Any], set[str]]:
        name = self.ref(model, "validation")["$ref"].rsplit("/", 1)[-1]
        schema = self.components[name]
        return schema.get("properties", {}), set(schema.get("required", []))


def operation(route: RouteSpec, schemas: Schemas) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "tags": [route.tag],
        "parameters": parameters(route, schemas),
        "responses": responses(route, schemas),
        "security": [{"bearer": []}, {"apiKey": []}] if route.permission else [],
    }
    if route.permission:
        op["description"] = f"Requires the `{route.permission}` permission."
        op["x-permission"] = str(route.permission)
    if route.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schemas.ref(route.body, "validation")}},
        }
    return op


def parameters(route: RouteSpec, schemas: Schemas) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = []
    path_schema: dict[str, Any] = {}
    if route.path_params is not None:
        path_schema, _ = schemas.properties(route.path_params)
    for name in PATH_PARAM.findall(route.path):
        schema = path_schema.get(name, {"type": "string"})
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    if route.query is not None:
        properties, required = schemas.properties(route.query)
        for name, schema in properties.items():
            param = {"name": name, "in": "query", "required": name in required, "schema": schema}
            if "description" in schema:
                param["description"] = schema["description"]
            params.append(param)
    return params


def responses(route: RouteSpec, schemas: Schemas) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    if route.status == 204 or route.response is None:
        answers[str(route.status)] = {"description": "done"}
    else:
        if isinstance(route.response, type) and issubclass(route.response, BaseModel):
            schema = schemas.ref(route.response, "serialization")
        else:
            schema = TypeAdapter(route.response).json_schema(ref_template=REF)
        answers[str(route.status)] = {
            "description": "success",
            "content": {"application/json": {"schema": schema}},
        }
    problem = {"content": {PROBLEM_MEDIA_TYPE: {"schema": schemas.ref(Problem, "serialization")}}}
    for status in problem_statuses(route):
        answers[str(status)] = {"description": TITLES[status], **problem}
    return answers


def problem_statuses(route: RouteSpec) -> list[int]:
    statuses = {400, 500, *route.problems}
    if route.permission is not None:
        statuses |= {401, 403}
    if PATH_PARAM.search(route.path):
        statuses.add(404)
    if route.body is not None:
        statuses |= {413, 415, 422}
    if route.query is not None:
        statuses.add(422)
    return sorted(statuses)

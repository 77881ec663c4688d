"""A small, JSON-Schema-like language for device configuration, and its validator.

Supported keywords: ``type`` (object, string, number, integer, boolean, array), ``properties``,
``required``, ``additionalProperties`` (boolean), ``items``, ``enum``, ``minimum``, ``maximum``,
``minLength``, ``maxLength``, ``maxItems``. Anything else is refused when a schema is saved, so a
schema never silently means less than its author thought.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.devices.errors import InvalidConfigError

JsonType = Literal["object", "string", "number", "integer", "boolean", "array"]
MAX_REPORTED_PROBLEMS = 20


class ConfigSchema(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    type: JsonType
    description: str = Field(default="", max_length=500)
    properties: dict[str, ConfigSchema] = Field(default_factory=dict)
    required: list[str] = Field(default_factory=list)
    additional_properties: bool = Field(default=False, alias="additionalProperties")
    items: ConfigSchema | None = None
    enum: list[str | int | float | bool] | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = Field(default=None, ge=0, alias="minLength")
    max_length: int | None = Field(default=None, ge=0, alias="maxLength")
    max_items: int | None = Field(default=None, ge=0, alias="maxItems")


ANY_OBJECT = ConfigSchema(type="object", additionalProperties=True)


def _type_problem(schema: ConfigSchema, value: Any) -> str | None:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    matches = {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "number": is_number,
        "integer": is_number and float(value).is_integer(),
    }[schema.type]
    return None if matches else f"must be of type {schema.type}, got {_json_type(value)}"


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def _value_problems(schema: ConfigSchema, value: Any) -> list[str]:
    problems = []
    if schema.enum is not None and value not in schema.enum:
        problems.append(f"must be one of {schema.enum}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if schema.minimum is not None and value < schema.minimum:
            problems.append(f"must be >= {schema.minimum:g}")
        if schema.maximum is not None and value > schema.maximum:
            problems.append(f"must be <= {schema.maximum:g}")
    if isinstance(value, str):
        if schema.min_length is not None and len(value) < schema.min_length:
            problems.append(f"must be at least {schema.min_length} characters")
        if schema.max_length is not None and len(value) > schema.max_length:
            problems.append(f"must be at most {schema.max_length} characters")
    if isinstance(value, list) and schema.max_items is not None and len(value) > schema.max_items:
        problems.append(f"must hold at most {schema.max_items} items")
    return problems


def schema_problems(schema: ConfigSchema, value: Any, path: str = "$") -> list[str]:
    """Every way ``value`` breaks ``schema``, each as ``<path>: <rule>``."""
    problem = _type_problem(schema, value)
    if problem:
        return [f"{path}: {problem}"]
    problems = [f"{path}: {p}" for p in _value_problems(schema, value)]
    if isinstance(value, dict):
        problems += [f"{path}.{key}: is required" for key in schema.required if key not in value]
        for key, item in value.items():
            child = schema.properties.get(key)
            if child is not None:
                problems += schema_problems(child, item, f"{path}.{key}")
            elif not schema.additional_properties:
                problems.append(f"{path}.{key}: is not a known setting")
    if isinstance(value, list) and schema.items is not None:
        for index, item in enumerate(value):
            problems += schema_problems(schema.items, item, f"{path}[{index}]")
    return problems


def validate_config(schema: ConfigSchema, document: dict[str, Any]) -> None:
    """Raise ``InvalidConfigError`` listing (at most 20 of) the problems of ``document``."""
    problems = schema_problems(schema, document)
    if problems:
        raise InvalidConfigError(problems[:MAX_REPORTED_PROBLEMS])

"""Turning a request's body, query string and path into pydantic models, or a precise problem.

Malformed input (not JSON, wrong query or path values, MongoDB operators) is a 400; JSON that
parses but breaks a model's rules is a 422; an oversized body is a 413.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from chalicelib.http.problems import FieldProblem, ProblemError, field_problems, summarize

MAX_BODY_BYTES = 256 * 1024
MAX_BODY_DEPTH = 64
TOO_DEEP = f"the body nests deeper than {MAX_BODY_DEPTH} levels of objects and arrays"
INT64_LIMIT = 2**63 - 1
JSON_MEDIA_TYPE = "application/json"


def parse_body[M: BaseModel](
    raw: bytes, content_type: str | None, model: type[M], max_bytes: int = MAX_BODY_BYTES
) -> M:
    if len(raw) > max_bytes:
        raise ProblemError(413, f"the body has {len(raw)} bytes; at most {max_bytes} are accepted")
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type != JSON_MEDIA_TYPE:
        raise ProblemError(
            415, f"send the body as {JSON_MEDIA_TYPE}, not {media_type or 'nothing'}"
        )
    try:
        data = json.loads(raw) if raw else None
    except RecursionError:
        raise ProblemError(400, TOO_DEEP) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProblemError(400, f"the body is not valid JSON: {exc}") from exc
    if nesting_depth(data) > MAX_BODY_DEPTH:
        raise ProblemError(400, TOO_DEEP)
    if not isinstance(data, dict):
        raise ProblemError(400, "the body must be a JSON object")
    operator = find_operator_key(data, "body")
    if operator:
        message = "keys starting with '$' and NUL characters are not accepted"
        raise ProblemError(
            400, f"{operator}: {message}", [FieldProblem(location=operator, message=message)]
        )
    huge = find_huge_integer(data, "body")
    if huge:
        message = f"integers must lie within ±{INT64_LIMIT} (64 bits)"
        raise ProblemError(
            422, f"{huge}: {message}", [FieldProblem(location=huge, message=message)]
        )
    try:
        # Strict: JSON types as the schema states them (no true for 1, no "5" for 5).
        return model.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        problems = field_problems("body", exc.errors(include_url=False))
        raise ProblemError(422, summarize(problems), problems) from exc


def parse_params[M: BaseModel](location: str, params: Mapping[str, list[str]], model: type[M]) -> M:
    """Query or path parameters; each name may appear once unless its field is a list."""
    values: dict[str, Any] = {}
    for name, given in params.items():
        if "\x00" in name or any("\x00" in value for value in given):
            # 422, not 400: a pattern of the schema may allow a NUL the stores cannot hold.
            problem = FieldProblem(
                location=f"{location}.{printable(name)}", message="NUL character"
            )
            detail = f"{problem.location}: NUL characters are not accepted"
            raise ProblemError(422, detail, [problem])
        field = model.model_fields.get(name)
        if field is None:
            detail = f"{location}.{name}: unknown parameter"
            raise ProblemError(
                400,
                detail,
                [FieldProblem(location=f"{location}.{name}", message="unknown parameter")],
            )
        is_list = getattr(field.annotation, "__origin__", None) is list
        if not is_list and len(given) > 1:
            raise ProblemError(400, f"{location}.{name}: give it once")
        values[name] = given if is_list else given[0]
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problems = field_problems(location, exc.errors(include_url=False))
        raise ProblemError(400, summarize(problems), problems) from exc


def nesting_depth(value: Any) -> int:
    """How deep arrays and objects nest, counted without recursion (a deep body must not
    exhaust the stack of the checks that walk it)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return deepest


def find_huge_integer(value: Any, path: str) -> str | None:
    """The path of the first integer no store can hold (beyond 64 bits), if any: a 422, since
    free-form documents (configurations, parameters) allow any number by their schema."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > INT64_LIMIT:
        return path
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        found = find_huge_integer(item, f"{path}.{printable(str(key))}")
        if found:
            return found
    return None


def printable(text: str, limit: int = 40) -> str:
    """Text from a request as it may appear in a problem: escaped, cut."""
    return json.dumps(text[:limit])[1:-1]


def find_operator_key(value: Any, path: str) -> str | None:
    """The path of the first object key MongoDB would read as an operator (or refuse), or of the
    first text holding a NUL character, if any."""
    if isinstance(value, str) and "\x00" in value:
        return path
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and (key.startswith("$") or "\x00" in key):
                return f"{path}.{printable(key)}"
            found = find_operator_key(item, f"{path}.{printable(key)}")
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = find_operator_key(item, f"{path}.{index}")
            if found:
                return found
    return None

"""Turning loosely typed input (a decoded JSON body) into a request model, or a precise error."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from iotsphere.services.identity.errors import InvalidInputError


def parse_input[M: BaseModel](model: type[M], data: Any) -> M:
    """``InvalidInputError`` names the path of the first offending field (``a.b.0``)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidInputError(field, first["msg"]) from exc

"""RFC 9457 problem details: the one error shape of every route."""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Response
from pydantic import BaseModel, Field

PROBLEM_MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Body too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal error",
    503: "Service unavailable",
}


class FieldProblem(BaseModel):
    """One reason a request was refused, and where in it."""

    location: str = Field(description="where: body, query, path or header, then the field path")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(default="about:blank")
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] = Field(default_factory=list)


class ProblemError(Exception):
    """Raised anywhere in a handler to answer with a problem; the router renders it."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: list[FieldProblem] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}

    def problem(self, instance: str | None = None) -> Problem:
        return Problem(
            title=TITLES.get(self.status, "Error"),
            status=self.status,
            detail=self.detail,
            instance=instance,
            errors=self.errors,
        )


def problem_response(error: ProblemError, instance: str | None = None) -> Response:
    body = error.problem(instance).model_dump(mode="json", exclude_none=True)
    return Response(
        body=json.dumps(body),
        status_code=error.status,
        headers={"Content-Type": PROBLEM_MEDIA_TYPE, **error.headers},
    )


def field_problems(location: str, errors: list[Any]) -> list[FieldProblem]:
    """Pydantic's validation errors as field problems (``body.name: String should have ...``)."""
    problems = []
    for error in errors:
        path = ".".join(str(part) for part in (location, *error["loc"]))
        problems.append(FieldProblem(location=path, message=error["msg"]))
    return problems


def summarize(problems: list[FieldProblem]) -> str:
    return "; ".join(f"{p.location}: {p.message}" for p in problems[:5])

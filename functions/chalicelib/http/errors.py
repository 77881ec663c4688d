"""Which service error becomes which HTTP status: the one place that maps them."""

from __future__ import annotations

from chalicelib.http.problems import FieldProblem, ProblemError
from iotsphere.services.errors import InvalidQueryError, StoreUnavailableError
from iotsphere.services.identity import errors as identity

STATUS_OF: dict[type[Exception], int] = {
    InvalidQueryError: 422,
    StoreUnavailableError: 503,
    identity.AuthenticationError: 401,
    identity.ForbiddenError: 403,
    identity.NotFoundError: 404,
    identity.ConflictError: 409,
    identity.InvalidInputError: 422,
    identity.ThrottledError: 429,
}

UNEXPECTED = "the request could not be completed; quote the X-Request-Id header when reporting it"


def as_problem(error: Exception) -> ProblemError:
    if isinstance(error, ProblemError):
        return error
    for cls in type(error).__mro__:
        status = STATUS_OF.get(cls)
        if status is not None:
            return ProblemError(status, str(error), details(error), headers(error, status))
    return ProblemError(500, UNEXPECTED)


def details(error: Exception) -> list[FieldProblem]:
    location = getattr(error, "field", None)
    return [FieldProblem(location=str(location), message=str(error))] if location else []


def headers(error: Exception, status: int) -> dict[str, str]:
    if status == 429:
        return {"Retry-After": str(getattr(error, "retry_after_s", 60))}
    if status == 401:
        return {"WWW-Authenticate": 'Bearer realm="iotsphere", ApiKey realm="iotsphere"'}
    if status == 503:
        return {"Retry-After": "5"}
    return {}

"""Which service or domain error becomes which HTTP status: the one place that maps them."""

from __future__ import annotations

from chalicelib.http.problems import FieldProblem, ProblemError
from iotsphere.domain.alerting import errors as alerting_domain
from iotsphere.domain.devices import errors as devices_domain
from iotsphere.domain.firmware import errors as firmware_domain
from iotsphere.services.alerting import errors as alerting
from iotsphere.services.devices import errors as devices
from iotsphere.services.errors import InvalidQueryError, StoreUnavailableError
from iotsphere.services.firmware import errors as firmware
from iotsphere.services.identity import errors as identity

STATUS_OF: dict[type[Exception], int] = {
    StoreUnavailableError: 503,
    InvalidQueryError: 422,
    # identity
    identity.AuthenticationError: 401,
    identity.ForbiddenError: 403,
    identity.NotFoundError: 404,
    identity.ConflictError: 409,
    identity.InvalidInputError: 422,
    identity.ThrottledError: 429,
    # devices
    devices_domain.InvalidCursorError: 400,
    devices.NotFoundError: 404,
    devices.ConflictError: 409,
    devices_domain.IllegalTransitionError: 409,
    devices.InvalidInputError: 422,
    devices_domain.InvalidConfigError: 422,
    devices.ClaimRefusedError: 403,
    # alerting
    alerting.NotFoundError: 404,
    alerting.ConcurrentUpdateError: 409,
    alerting_domain.AlarmLifecycleError: 409,
    alerting_domain.FieldValidationError: 422,
    alerting.BacktestRangeError: 422,
    alerting.InvalidCursorError: 422,
    # firmware
    firmware.InvalidCursorError: 422,
    firmware.ReleaseNotFoundError: 404,
    firmware.RolloutNotFoundError: 404,
    firmware.ImageNotFoundError: 404,
    firmware.ReleaseConflictError: 409,
    firmware.RolloutConflictError: 409,
    firmware.RolloutStateError: 409,
    firmware_domain.InvalidTransitionError: 409,
    firmware.InvalidImageError: 422,
    firmware.InvalidRolloutRequestError: 422,
    firmware.InvalidStatusReportError: 422,
    firmware_domain.InvalidManifestError: 422,
    firmware_domain.InvalidVersionError: 422,
    firmware_domain.InvalidRolloutError: 422,
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
    location = getattr(error, "field", None) or getattr(error, "path", None)
    return [FieldProblem(location=f"body.{location}", message=str(error))] if location else []


def headers(error: Exception, status: int) -> dict[str, str]:
    if status == 429:
        return {"Retry-After": str(getattr(error, "retry_after_s", 60))}
    if status == 401:
        return {"WWW-Authenticate": 'Bearer realm="iotsphere", ApiKey realm="iotsphere"'}
    if status == 503:
        return {"Retry-After": "5"}
    return {}

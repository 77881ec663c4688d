"""Errors the services raise and the adapters translate into."""


class ServiceError(Exception):
    """Base of every service error."""


class StoreUnavailableError(ServiceError):
    """A store could not be reached or failed for a reason worth retrying."""


class InvalidQueryError(ServiceError):
    """A query parameter is out of bounds; the message says which and why."""

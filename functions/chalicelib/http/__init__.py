"""The HTTP conventions every route shares: ``/v1`` paths, pydantic bodies and queries, RFC 9457
problem details, authentication and per-route permissions, the audit trail and OpenAPI 3.1."""

from chalicelib.http.problems import ProblemError
from chalicelib.http.routing import Api, RequestContext

__all__ = ["Api", "ProblemError", "RequestContext"]

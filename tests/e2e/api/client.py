"""A small HTTP client of the IoTSphere API for end-to-end tests, and the callers they use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests


@dataclass
class ApiClient:
    base_url: str
    authorization: str | None = None

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.authorization and "Authorization" not in headers:
            headers["Authorization"] = self.authorization
        return requests.request(method, self.base_url + path, headers=headers, timeout=30, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def as_bearer(self, access_token: str) -> ApiClient:
        return ApiClient(self.base_url, f"Bearer {access_token}")

    def as_api_key(self, secret: str) -> ApiClient:
        return ApiClient(self.base_url, f"ApiKey {secret}")


@dataclass
class Organization:
    """One organization of the test: its id and a signed-in client per role."""

    org_id: str
    admin: ApiClient
    operator: ApiClient
    viewer: ApiClient
    admin_email: str
    admin_password: str

"""JSON over HTTP to the API, with the session's token, refreshed once when it has expired."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from iotsphere.client.session import Session, SessionStore


class ApiError(Exception):
    """The API answered with a problem; ``str()`` is its detail."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


class Transport(Protocol):
    def send(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes]: ...


class UrllibTransport:
    def __init__(self, timeout_s: float = 30.0) -> None:
        self.timeout_s = timeout_s

    def send(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        if not url.startswith(("http://", "https://")):
            raise ApiError(0, f"not an HTTP URL: {url}")
        request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 (checked above)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except urllib.error.URLError as exc:
            raise ApiError(0, f"cannot reach {url}: {exc.reason}") from exc


class ApiClient:
    def __init__(self, store: SessionStore, transport: Transport | None = None) -> None:
        self.store = store
        self.transport = transport or UrllibTransport()

    def call(self, method: str, path: str, body: Any = None, *, auth: bool = True) -> Answer:
        session = self.store.load()
        answer = self._send(method, session.base_url + path, body, session if auth else None)
        if answer.status == 401 and auth and session.refresh_token:
            session = self._refresh(session)
            answer = self._send(method, session.base_url + path, body, session)
        if answer.status >= 400:
            detail = answer.body.get("detail") if isinstance(answer.body, dict) else None
            raise ApiError(answer.status, str(detail or answer.body))
        return answer

    def _refresh(self, session: Session) -> Session:
        answer = self._send(
            "POST", session.base_url + "/v1/auth/refresh", {"refresh_token": session.refresh_token}
        )
        if answer.status != 200:
            raise ApiError(401, "the session has ended: run `iotsphere login` again")
        renewed = session.with_tokens(answer.body["access_token"], answer.body["refresh_token"])
        self.store.save(renewed)
        return renewed

    def _send(self, method: str, url: str, body: Any, session: Session | None = None) -> Answer:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if session is not None and session.access_token:
            headers["Authorization"] = f"Bearer {session.access_token}"
        status, raw = self.transport.send(method, url, headers, data)
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return Answer(status, parsed)

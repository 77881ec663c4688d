"""The API client: sessions kept privately, tokens refreshed once, problems as errors."""

from __future__ import annotations

import argparse
import io
import json
import stat

import pytest

from iotsphere.client import login, logout
from iotsphere.client.session import Session, SessionStore
from iotsphere.client.transport import ApiClient, ApiError


class FakeApi:
    """Answers like the API: a valid access token is ``access-<n>``; ``expired`` is refused."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, str], object]] = []
        self.valid = "access-1"

    def send(self, method, url, headers, body):
        payload = json.loads(body) if body else None
        self.calls.append((method, url, headers, payload))
        path = url.split("8000", 1)[1]
        if path == "/v1/auth/login":
            if payload["password"] != "right":
                return 401, json.dumps({"status": 401, "detail": "wrong e-mail or password"})
            return 200, json.dumps({"access_token": "access-1", "refresh_token": "refresh-1"})
        if path == "/v1/auth/refresh":
            if payload["refresh_token"] != "refresh-1":
                return 401, b'{"detail": "used"}'
            self.valid = "access-2"
            return 200, json.dumps({"access_token": "access-2", "refresh_token": "refresh-2"})
        if headers.get("Authorization") != f"Bearer {self.valid}":
            return 401, json.dumps({"status": 401, "detail": "the token has expired"})
        if path == "/v1/me":
            return 200, json.dumps({"email": "a@b.co", "role": "admin"})
        if path == "/v1/auth/logout":
            return 204, b""
        return 404, json.dumps({"status": 404, "detail": f"no route {path}"})


@pytest.fixture
def store(tmp_path) -> SessionStore:
    return SessionStore(tmp_path / "cfg" / "session.json")


def test_the_session_file_is_readable_by_its_owner_only(store):
    store.save(Session(access_token="secret"))
    assert stat.S_IMODE(store.file.stat().st_mode) == 0o600
    assert store.load().access_token == "secret"


def test_an_expired_token_is_refreshed_once_and_the_new_pair_kept(store):
    api = FakeApi()
    store.save(
        Session(base_url="http://h:8000", access_token="access-1", refresh_token="refresh-1")
    )
    api.valid = "access-0"  # the stored token has expired
    answer = ApiClient(store, api).call("GET", "/v1/me")
    assert answer.body["email"] == "a@b.co"
    assert store.load() == Session("http://h:8000", "access-2", "refresh-2")
    assert [c[1].rsplit("8000", 1)[1] for c in api.calls] == [
        "/v1/me",
        "/v1/auth/refresh",
        "/v1/me",
    ]


def test_a_refused_refresh_asks_to_sign_in_again(store):
    store.save(Session(base_url="http://h:8000", access_token="old", refresh_token="stale"))
    with pytest.raises(ApiError, match="iotsphere login"):
        ApiClient(store, FakeApi()).call("GET", "/v1/me")


def test_a_problem_becomes_an_error_with_its_detail(store):
    store.save(Session(base_url="http://h:8000", access_token="access-1"))
    with pytest.raises(ApiError) as caught:
        ApiClient(store, FakeApi()).call("GET", "/v1/nothing")
    assert (caught.value.status, caught.value.detail) == (404, "no route /v1/nothing")


def run_login(store, password, monkeypatch, capsys):
    api = FakeApi()
    monkeypatch.setattr(
        "iotsphere.client.transport.UrllibTransport.send", lambda s, *a: api.send(*a)
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    args = argparse.Namespace(url="http://h:8000/", email="a@b.co", password_stdin=True)
    return login.run(args, store), capsys.readouterr()


def test_login_keeps_the_tokens_and_says_who_signed_in(store, monkeypatch, capsys):
    code, out = run_login(store, "right", monkeypatch, capsys)
    assert code == 0
    assert "as a@b.co (admin)" in out.out
    assert store.load() == Session("http://h:8000", "access-1", "refresh-1")


def test_a_failed_login_keeps_nothing(store, monkeypatch, capsys):
    code, out = run_login(store, "wrong", monkeypatch, capsys)
    assert code == 1
    assert "wrong e-mail or password" in out.err
    assert not store.file.exists()


def test_logout_forgets_the_session(store, monkeypatch, capsys):
    run_login(store, "right", monkeypatch, capsys)
    assert logout.run(argparse.Namespace(), store) == 0
    assert not store.file.exists()


def alarm(alarm_id="a1", status="active", acknowledged=False, count=1):
    return {
        "id": alarm_id,
        "status": status,
        "acknowledged": acknowledged,
        "count": count,
        "severity": "major",
        "last_at": "2026-11-27T04:00:00Z",
        "device_id": "pump-1",
        "metric": "temperature",
        "last_value": 91.5,
        "rule_id": "hot",
    }


def test_tail_prints_new_and_changed_alarms_once_and_those_that_left():
    from iotsphere.client.alarms import changes

    seen: dict = {}
    assert len(changes([alarm()], seen)) == 1
    assert changes([alarm()], seen) == []
    changed = changes([alarm(acknowledged=True)], seen)
    assert len(changed) == 1
    assert "acked pump-1 temperature = 91.5" in changed[0]
    assert changes([], seen) == ["cleared or closed: alarm a1"]

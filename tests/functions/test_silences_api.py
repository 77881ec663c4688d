"""Silences and maintenance windows through the HTTP routes: create, list, delete, and every way a
request can fail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.alerting.silences import Silence
from tests.functions.alert_fakes import OTHER_ORG, install_alert_fakes, locations, problem, send
from tests.functions.conftest import ORG


def window(start_h: float, end_h: float) -> dict[str, str]:
    now = datetime.now(tz=UTC)
    return {
        "starts_at": (now + timedelta(hours=start_h)).isoformat(),
        "ends_at": (now + timedelta(hours=end_h)).isoformat(),
    }


MAINTENANCE = {"kind": "group", "value": "plant-1", "reason": "pump replacement"}


@pytest.fixture
def fakes(monkeypatch):
    found = install_alert_fakes(monkeypatch)
    found.silences.save(
        Silence(id="theirs", org_id=OTHER_ORG, kind="rule", value="r1", **window(-1, 1))
    )
    return found


@pytest.mark.parametrize("role", ["operator", "admin"])
def test_a_silence_is_created_under_the_callers_organization_and_name(client, fakes, role):
    answer = send(client, "POST", "/v1/silences", {**MAINTENANCE, **window(0, 2)}, role=role)
    assert answer.status_code == 201, answer.body
    silence = answer.json_body
    assert (silence["org_id"], silence["created_by"], silence["kind"]) == (
        ORG,
        f"{role}-1",
        "group",
    )
    assert [s.id for s in fakes.silences.silences if s.org_id == ORG] == [silence["id"]]


@pytest.mark.parametrize(
    ("extra", "location"),
    [
        ({"org_id": OTHER_ORG}, "body.org_id"),
        ({"id": "mine"}, "body.id"),
        ({"created_by": "someone-else"}, "body.created_by"),
        ({"kind": "planet"}, "body.kind"),
        ({"value": ""}, "body.value"),
        ({"starts_at": "tomorrow"}, "body.starts_at"),
        ({"starts_at": "2026-11-26T18:00:00"}, "body.starts_at"),
        (
            {"starts_at": "0001-01-01T00:00:00+05:00", "ends_at": "0001-01-02T00:00:00+05:00"},
            "body.starts_at",
        ),
        (
            {"starts_at": "9999-12-30T00:00:00-05:00", "ends_at": "9999-12-31T00:00:00-05:00"},
            "body.starts_at",
        ),
        ({"starts_at": "2261-12-31T00:00:00Z", "ends_at": "2262-01-02T00:00:00Z"}, "body.ends_at"),
    ],
)
def test_a_body_that_breaks_the_rules_is_422_naming_the_field(client, fakes, extra, location):
    answer = send(client, "POST", "/v1/silences", {**MAINTENANCE, **window(0, 2), **extra})
    assert answer.status_code == 422
    assert location in locations(answer)
    assert [s.id for s in fakes.silences.silences] == ["theirs"]


@pytest.mark.parametrize(
    ("start_h", "end_h", "reason"),
    [(2, 1, "ends_at must be after starts_at"), (0, 24 * 91, "at most 90 days")],
)
def test_an_impossible_window_is_422(client, fakes, start_h, end_h, reason):
    answer = send(client, "POST", "/v1/silences", {**MAINTENANCE, **window(start_h, end_h)})
    assert answer.status_code == 422
    assert reason in problem(answer)["detail"]
    assert locations(answer) == ["body.ends_at"]


@pytest.mark.parametrize("raw", ["{", "[]", '{"kind": {"$in": ["group"]}}'])
def test_a_malformed_body_is_400(client, fakes, raw):
    assert send(client, "POST", "/v1/silences", raw).status_code == 400


def test_silences_are_listed_by_start_and_ended_ones_only_when_asked(client, fakes):
    ids = {}
    for name, (start_h, end_h) in {"ended": (-3, -2), "later": (2, 3), "now": (-1, 1)}.items():
        created = send(client, "POST", "/v1/silences", {**MAINTENANCE, **window(start_h, end_h)})
        ids[name] = created.json_body["id"]
    current = send(client, "GET", "/v1/silences", role="viewer").json_body
    assert [s["id"] for s in current["items"]] == [ids["now"], ids["later"]]
    first = send(client, "GET", "/v1/silences?include_ended=true&limit=2", role="viewer")
    page = first.json_body
    assert [s["id"] for s in page["items"]] == [ids["ended"], ids["now"]]
    rest = send(
        client, "GET", f"/v1/silences?include_ended=true&cursor={page['next_cursor']}", "viewer"
    ).json_body
    assert ([s["id"] for s in rest["items"]], rest["next_cursor"]) == ([ids["later"]], None)


@pytest.mark.parametrize(
    "query",
    ["limit=0", "include_ended=maybe", "include_ended=1", "include_ended=yes", "kind=group"],
)
def test_a_malformed_silence_query_is_400(client, fakes, query):
    assert send(client, "GET", f"/v1/silences?{query}", role="viewer").status_code == 400


def test_a_silence_is_deleted_once_and_another_organizations_is_404(client, fakes):
    created = send(client, "POST", "/v1/silences", {**MAINTENANCE, **window(0, 1)}).json_body
    deleted = send(client, "DELETE", f"/v1/silences/{created['id']}")
    assert (deleted.status_code, deleted.body) == (204, b"")
    assert send(client, "DELETE", f"/v1/silences/{created['id']}").status_code == 404
    assert send(client, "DELETE", "/v1/silences/theirs").status_code == 404
    assert [s.id for s in fakes.silences.silences] == ["theirs"]


def test_a_viewer_reads_but_cannot_change_and_nobody_without_a_credential(client, fakes):
    body = {**MAINTENANCE, **window(0, 1)}
    assert send(client, "POST", "/v1/silences", body, role="viewer").status_code == 403
    assert send(client, "DELETE", "/v1/silences/theirs", role="viewer").status_code == 403
    assert send(client, "GET", "/v1/silences", role="viewer").status_code == 200
    for method, path in [
        ("POST", "/v1/silences"),
        ("GET", "/v1/silences"),
        ("DELETE", "/v1/silences/theirs"),
    ]:
        assert send(client, method, path, body, role=None).status_code == 401
    assert [s.id for s in fakes.silences.silences] == ["theirs"]


def test_a_silence_id_that_cannot_exist_is_400(client, fakes):
    assert send(client, "DELETE", "/v1/silences/no%20such").status_code == 400

"""Subscriptions, deliveries and the inbox on the real stack: scoped to their organization."""

from __future__ import annotations

import pytest

from tests.e2e.api.client import Organization

pytestmark = pytest.mark.e2e
HOOK = {"type": "webhook", "url": "https://hooks.example.com/iotsphere"}


def test_a_subscription_is_its_organizations_alone(org_a: Organization, org_b: Organization):
    created = org_a.operator.post("/v1/subscriptions", json={"name": "on-call", "channel": HOOK})
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    sub_id = created.json()["subscription"]["id"]
    mine = org_a.operator.get(f"/v1/subscriptions/{sub_id}")
    assert mine.status_code == 200
    assert secret not in mine.text
    for caller in (org_b.admin, org_b.operator):
        assert caller.get(f"/v1/subscriptions/{sub_id}").status_code == 404
        assert (
            caller.put(
                f"/v1/subscriptions/{sub_id}", json={"name": "taken", "channel": HOOK}
            ).status_code
            == 404
        )
        assert caller.post(f"/v1/subscriptions/{sub_id}/secret").status_code == 404
        assert caller.delete(f"/v1/subscriptions/{sub_id}").status_code == 404
        listed = caller.get("/v1/subscriptions").json()["items"]
        assert sub_id not in {s["id"] for s in listed}
    assert org_a.operator.get(f"/v1/subscriptions/{sub_id}").status_code == 200


def test_deliveries_and_the_inbox_are_scoped(org_a: Organization, org_b: Organization):
    assert org_b.admin.get("/v1/deliveries").status_code == 200
    assert org_b.viewer.get("/v1/inbox").json()["items"] == []
    assert org_b.admin.post(f"/v1/deliveries/{'a' * 32}/retry").status_code == 404

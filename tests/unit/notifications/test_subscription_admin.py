"""Subscription admin: who may subscribe whom, secrets shown once, tenancy as 404."""

from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.notifications.subscriptions import SubscriptionSpec
from iotsphere.services.notifications import subscriptions as admin
from iotsphere.services.notifications.errors import (
    ForbiddenError,
    InvalidSubscriptionError,
    NotFoundError,
)
from tests.unit.notifications.factories import ORG
from tests.unit.notifications.fakes import FakeSubscriptions, FakeUsers

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
HOOK = {"type": "webhook", "url": "https://hooks.example.com/iot"}
USERS = FakeUsers((ORG, "u2"))


def caller(role="viewer", subject="u1", org=ORG, kind="user"):
    return Principal(org_id=org, subject_id=subject, kind=kind, role=role)


def spec(**changes):
    return SubscriptionSpec.model_validate({"name": "mine", "channel": HOOK, **changes})


@pytest.fixture
def store():
    return FakeSubscriptions()


def test_a_viewer_subscribes_themselves_and_gets_the_secret_once(store):
    view, secret = admin.create_subscription(caller(), spec(), store, USERS, NOW)
    assert secret.startswith("whsec_")
    assert view.subscriber.model_dump() == {"kind": "user", "id": "u1"}
    assert view.signed
    assert "secret" not in view.model_dump()
    assert store.get(ORG, view.id).secret == secret
    assert "whsec_" not in admin.get_subscription(caller(), view.id, store).model_dump_json()


def test_only_webhooks_get_a_secret_and_slack_urls_are_masked(store):
    slack = {"type": "slack", "url": "https://hooks.slack.com/services/T0/B0/xyz"}
    view, secret = admin.create_subscription(caller(), spec(channel=slack), store, USERS, NOW)
    assert secret is None
    assert view.channel.model_dump() == {"type": "slack", "url": "https://hooks.slack.com/…"}
    assert "xyz" not in view.model_dump_json()


def test_a_viewer_cannot_subscribe_a_team_or_someone_else(store):
    for subscriber in ({"kind": "team", "id": "on-call"}, {"kind": "user", "id": "u2"}):
        with pytest.raises(ForbiddenError):
            admin.create_subscription(caller(), spec(subscriber=subscriber), store, USERS, NOW)
    view, _ = admin.create_subscription(
        caller("operator"), spec(subscriber={"kind": "team", "id": "on-call"}), store, USERS, NOW
    )
    assert view.subscriber.kind == "team"
    other, _ = admin.create_subscription(
        caller("operator"), spec(subscriber={"kind": "user", "id": "u2"}), store, USERS, NOW
    )
    assert other.subscriber.id == "u2"
    with pytest.raises(InvalidSubscriptionError, match="no such user"):
        admin.create_subscription(
            caller("operator"), spec(subscriber={"kind": "user", "id": "u3"}), store, USERS, NOW
        )


def test_in_app_is_for_users_only_and_an_api_key_must_name_its_subscriber(store):
    with pytest.raises(InvalidSubscriptionError, match="in-app"):
        admin.create_subscription(
            caller("operator"),
            spec(subscriber={"kind": "team", "id": "ops"}, channel={"type": "in_app"}),
            store,
            USERS,
            NOW,
        )
    with pytest.raises(InvalidSubscriptionError, match="API key"):
        admin.create_subscription(caller("admin", kind="api_key"), spec(), store, USERS, NOW)


def test_viewers_see_their_own_operators_everyones_other_orgs_nobody(store):
    mine, _ = admin.create_subscription(caller(subject="u1"), spec(), store, USERS, NOW)
    theirs, _ = admin.create_subscription(caller(subject="u2"), spec(), store, USERS, NOW)
    admin.create_subscription(caller(org="orgb"), spec(), store, USERS, NOW)
    assert [s.id for s in admin.list_subscriptions(caller(subject="u1"), store)] == [mine.id]
    everyone = admin.list_subscriptions(caller("operator", subject="op"), store)
    assert {s.id for s in everyone} == {mine.id, theirs.id}
    with pytest.raises(NotFoundError):
        admin.get_subscription(caller(subject="u1"), theirs.id, store)
    with pytest.raises(NotFoundError):
        admin.delete_subscription(caller("admin", org="orgb"), mine.id, store)


def test_replace_keeps_the_secret_and_refuses_another_channel_type(store):
    view, secret = admin.create_subscription(caller(), spec(), store, USERS, NOW)
    later = NOW + timedelta(minutes=5)
    replaced = admin.replace_subscription(
        caller(), view.id, spec(name="renamed", digest={"every_minutes": 10}), store, USERS, later
    )
    assert (replaced.name, replaced.digest.every_minutes, replaced.updated_at) == (
        "renamed",
        10,
        later,
    )
    assert store.get(ORG, view.id).secret == secret
    with pytest.raises(InvalidSubscriptionError, match="cannot change"):
        admin.replace_subscription(
            caller(), view.id, spec(channel={"type": "in_app"}), store, USERS, later
        )


def test_rotating_the_secret_shows_a_new_one_once(store):
    view, first = admin.create_subscription(caller(), spec(), store, USERS, NOW)
    _, second = admin.rotate_secret(caller(), view.id, store, NOW)
    assert second != first
    assert store.get(ORG, view.id).secret == second
    email, _ = admin.create_subscription(
        caller(), spec(channel={"type": "email", "to": "me@example.com"}), store, USERS, NOW
    )
    with pytest.raises(InvalidSubscriptionError, match="only webhook"):
        admin.rotate_secret(caller(), email.id, store, NOW)


def test_delete_removes_it(store):
    view, _ = admin.create_subscription(caller(), spec(), store, USERS, NOW)
    admin.delete_subscription(caller(), view.id, store)
    with pytest.raises(NotFoundError):
        admin.get_subscription(caller(), view.id, store)


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"channel": {"type": "webhook", "url": "ftp://x.example.com/"}}, "url"),
        ({"channel": {"type": "webhook", "url": "https://user:pw@x.example.com/"}}, "url"),
        ({"channel": {"type": "webhook", "url": "http://169.254.169.254/latest/"}}, "link-local"),
        ({"channel": {"type": "slack", "url": "http://[fe80::1]/x"}}, "link-local"),
        ({"channel": {"type": "webhook", "url": "http://0.0.0.0:80/"}}, "link-local"),
        ({"channel": {"type": "webhook", "url": "http://metadata.google.internal/"}}, "link"),
        ({"channel": {"type": "email", "to": "not-an-address"}}, "to"),
        ({"channel": {"type": "pager"}}, "channel"),
        ({"filter": {"min_severity": "urgent"}}, "min_severity"),
        ({"filter": {"groups": [{"$ne": 1}]}}, "groups"),
        ({"quiet_hours": {"start": "22:00", "end": "07:00", "time_zone": "Mars/Base"}}, "zone"),
        ({"digest": {"every_minutes": 0}}, "every_minutes"),
        ({"owner": "u9"}, "owner"),
    ],
)
def test_bad_specs_are_refused_by_the_model(body, where):
    with pytest.raises(ValueError, match=where):
        SubscriptionSpec.model_validate({"name": "x", "channel": HOOK, **body})


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:31080/hook", "https://10.1.2.3/x", "https://hooks.example.com/a"]
)
def test_loopback_private_and_public_receivers_are_allowed(url):
    assert SubscriptionSpec.model_validate(
        {"name": "x", "channel": {"type": "webhook", "url": url}}
    )

"""Alerting end to end: a simulated fleet with planned faults publishes through the real broker,
bridge, ingest, ``alerts`` queue, evaluator, ``notifications`` queue and notify. The alarm each
fault must raise rises and clears when the fault ends, and every transition reaches a real
webhook receiver, the stack's mail sink and the in-app inbox exactly once, however often SQS
redelivers it; the delivery log shows each attempt.

Device X gets a spike (threshold rule), Y a slow drift (rate of change of temperature, and a
full minute of vibration readings: a composite over two metrics), Z a stuck sensor (a spread of
the temperature below 0.001 over 10 s, held for 15 s), W a dropout (missing data, raised by the
sweep: the runner fires it once a minute and the test every few seconds, so a short run sees
it).
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.adapters.mongo_notifications_deliveries import COLLECTION as DELIVERIES
from iotsphere.bootstrap import connect_mongo
from iotsphere.domain.alerting.transitions import NotificationMessage
from iotsphere.local.infra_services import mail_folder
from iotsphere.local.stack import Stack
from iotsphere.services.alerting.ports import AlertingPorts
from iotsphere.settings import Settings
from iotsphere.simulator.fleet import FleetOptions, build_fleet
from iotsphere.simulator.signals import expected_metrics
from tests.e2e.alerting.receivers import WebhookReceiver, mails_to
from tests.e2e.alerting.scenario import (
    FAULT_AT_S,
    MISSING_AFTER_S,
    NOTIFIED,
    PLAN,
    ROLES,
    SEED,
    Scenario,
    inbox_items,
    notified,
    queues_drained,
    rule_body,
    save_rule,
    simulate,
    subscribe,
    watch_the_dropout,
)
from tests.e2e.api.client import Organization
from tests.e2e.fleet import influx, wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def scenario(
    platform: Stack,
    api,
    org_a: Organization,
    webhook: WebhookReceiver,
    alerting_ports: AlertingPorts,
    settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Scenario]:
    """The whole run: rules and subscriptions through the API, the simulator as a process, the
    sweep every few seconds while it runs, then until every notification arrived."""
    prefix = f"e2eal{uuid.uuid4().hex[:6]}"
    fleet = build_fleet(FleetOptions(len(ROLES), prefix, SEED), time.time())
    devices = {role: device.device_id for role, device in zip(ROLES, fleet, strict=True)}
    base = expected_metrics(fleet[0].profile, time.time())["temperature"]
    rules = {role: f"{device_id}-{role}" for role, device_id in devices.items()}
    bodies = {role: rule_body(role, devices[role], base) for role in ROLES}
    for role in ROLES:
        save_rule(org_a, rules[role], bodies[role])
    email = f"alerts-{prefix}@example.com"
    subscriptions, secret = subscribe(org_a, list(devices.values()), webhook.url, email)
    folder = tmp_path_factory.mktemp("alerting")
    simulator = simulate(platform, org_a, prefix, folder)
    try:
        statuses = watch_the_dropout(
            simulator, org_a, rules["dropout"], bodies["dropout"], alerting_ports
        )
    finally:
        if simulator.poll() is None:
            simulator.terminate()
        simulator.wait(timeout=60)
    log = (folder / "simulator.log").read_text()
    assert simulator.returncode == 0, log
    stats = json.loads((folder / "stats.json").read_text())
    started = datetime.fromisoformat(stats["started"].replace("Z", "+00:00"))
    run = Scenario(org_a, devices, rules, subscriptions, secret, email, started, statuses)

    def all_arrived() -> bool:
        return all(count >= len(NOTIFIED) for count in notified(run, webhook, platform))

    assert wait_until(all_arrived, 120, every=2), (notified(run, webhook, platform), log)
    assert wait_until(lambda: queues_drained(settings), 60, every=1)
    yield run
    for rule_id in rules.values():  # no later sweep of another test raises on these devices
        org_a.operator.delete(f"/v1/rules/{rule_id}")
    for subscription_id in subscriptions.values():
        org_a.operator.delete(f"/v1/subscriptions/{subscription_id}")


def at_offset(scenario: Scenario, seconds: float) -> datetime:
    return scenario.started + timedelta(seconds=seconds)


def test_each_fault_raises_its_alarm_which_clears_when_the_fault_ends(scenario: Scenario):
    for role, rule_id in scenario.rules.items():
        listed = scenario.org.viewer.get("/v1/alarms", params={"rule_id": rule_id, "status": "any"})
        assert listed.status_code == 200, listed.text
        (alarm,) = listed.json()["items"]
        assert alarm["device_id"] == scenario.devices[role]
        assert (alarm["status"], alarm["episode"], alarm["flapping"]) == ("cleared", 1, False)
        fault = PLAN[role]
        start, end = FAULT_AT_S, FAULT_AT_S + fault["duration_s"]
        raised_at = datetime.fromisoformat(alarm["raised_at"])
        cleared_at = datetime.fromisoformat(alarm["cleared_at"])
        if role == "dropout":  # dated at the last reading before the silence + the timeout
            assert at_offset(scenario, start - 1 + MISSING_AFTER_S) <= raised_at
            assert raised_at <= at_offset(scenario, start + MISSING_AFTER_S)
        else:
            assert at_offset(scenario, start) <= raised_at < at_offset(scenario, end), role
        # the first reading after the fault (a stuck value may repeat by chance for a second)
        assert at_offset(scenario, end) <= cleared_at <= at_offset(scenario, end + 5), role


def test_the_missing_data_alarm_was_open_while_the_device_was_silent(scenario: Scenario):
    """Only the sweep raises it while no reading comes; a reading after a gap would raise and
    clear it in one evaluation, never showing it active."""
    assert scenario.dropout_statuses == [None, "active", "cleared"]


def test_every_transition_reaches_the_webhook_once_signed(
    scenario: Scenario, webhook: WebhookReceiver
):
    calls = webhook.received()
    assert all(call.signed_with(scenario.secret) for call in calls)
    assert {call.path for call in calls} == {"/hooks/iotsphere"}
    items = [item for call in calls for item in call.document["items"]]
    assert Counter(i["idempotency_key"] for i in items).most_common(1)[0][1] == 1
    received = sorted(
        (i["transition"]["kind"], scenario.role_of(i["transition"]["device_id"])) for i in items
    )
    assert received == sorted(NOTIFIED)
    deliveries = [call.headers["x-iotsphere-delivery"] for call in calls]
    assert len(set(deliveries)) == len(deliveries)


def test_every_transition_reaches_the_mail_sink_once(scenario: Scenario, stack: Stack):
    mails = mails_to(mail_folder(stack.home), scenario.email)
    headlines = sorted(str(mail["Subject"]).split(" (")[0] for mail in mails)  # no value
    devices = scenario.devices
    expected = [f"IoTSphere: [MAJOR] e2e {r} {kind} on {devices[r]}" for kind, r in NOTIFIED]
    assert headlines == sorted(expected)


def test_every_transition_is_in_the_subscribers_inbox_once(scenario: Scenario):
    items = inbox_items(scenario)
    received = sorted(
        (i["item"]["transition"]["kind"], scenario.role_of(i["item"]["transition"]["device_id"]))
        for i in items
    )
    assert received == sorted(NOTIFIED)


def test_every_transition_is_an_event_in_influxdb(scenario: Scenario, settings: Settings):
    assert scenario.org.org_id.isalnum()  # inlined below, like the devices' own prefix
    devices = "|".join(scenario.devices.values())
    result = influx(settings).query(
        f'SELECT "key", "device_id", "kind" FROM alerts WHERE org_id = '  # noqa: S608
        f"'{scenario.org.org_id}' AND device_id =~ /^({devices})$/ AND time > now() - 1h"
    )
    events = list(result.get_points())
    assert len({event["key"] for event in events}) == len(events)
    received = sorted((event["kind"], scenario.role_of(event["device_id"])) for event in events)
    assert received == sorted(NOTIFIED)


def test_the_delivery_log_shows_each_attempt(scenario: Scenario):
    for channel, subscription_id in scenario.subscriptions.items():
        log = scenario.org.operator.get(
            "/v1/deliveries", params={"subscription_id": subscription_id, "limit": 100}
        )
        assert log.status_code == 200, log.text
        deliveries = log.json()["items"]
        assert len(deliveries) == len(NOTIFIED), channel
        for delivery in deliveries:
            assert delivery["status"] == "delivered", delivery
            (attempt,) = delivery["attempts"]
            assert (attempt["outcome"], attempt["channel"]) == ("delivered", channel)


def test_a_redelivered_notification_message_notifies_nobody_twice(
    scenario: Scenario, webhook: WebhookReceiver, stack: Stack, settings: Settings
):
    """Every ``notifications`` message of the run sent again with the body notify already
    processed, as SQS redelivery would: nothing more reaches any channel."""
    before = notified(scenario, webhook, stack)
    database = connect_mongo(settings)
    try:
        found = database[DELIVERIES].find({"subscription_id": scenario.subscriptions["webhook"]})
        bodies = [NotificationMessage.model_validate(d["message"]).model_dump_json() for d in found]
    finally:
        database.client.close()
    assert len(bodies) == len(NOTIFIED)
    sqs = aws_client("sqs", settings)
    url = queue_url(sqs, settings.notifications_queue)
    for body in bodies:
        sqs.send_message(QueueUrl=url, MessageBody=body)
    assert wait_until(lambda: queues_drained(settings), 60, every=1)
    assert notified(scenario, webhook, stack) == before
    test_the_delivery_log_shows_each_attempt(scenario)

"""Alerting end to end: a simulated fleet with planned faults publishes through the real broker,
bridge, ingest, ``alerts`` queue, evaluator, ``notifications`` queue and notify. The alarm each
fault must raise rises and clears when the fault ends, and every transition reaches a real
webhook receiver, the stack's mail sink and the in-app inbox exactly once, however often SQS
redelivers it; the delivery log shows each attempt.

Device X gets a spike (threshold rule), Y a slow drift (rate of change over a full window),
Z a stuck sensor (no change at all over a window, held for a while: there is no dedicated
flat-line rule type, so two rate leaves bound the change to zero), W a dropout (missing data,
raised by the sweep: the runner fires it once a minute and the test every few seconds, so a
short run sees it).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.adapters.mongo_notifications_deliveries import COLLECTION as DELIVERIES
from iotsphere.bootstrap import connect_mongo
from iotsphere.domain.alerting.transitions import NotificationMessage
from iotsphere.local.infra_services import mail_folder
from iotsphere.local.stack import Stack
from iotsphere.services.alerting.ports import AlertingPorts
from iotsphere.services.alerting.sweep import sweep_missing_data
from iotsphere.settings import Settings
from iotsphere.simulator.fleet import FleetOptions, build_fleet
from iotsphere.simulator.signals import expected_metrics
from tests.e2e.alerting.receivers import WebhookReceiver, mails_to
from tests.e2e.api.client import Organization
from tests.e2e.fleet import wait_until

pytestmark = pytest.mark.e2e

SEED = 11
FAULT_AT_S = 40  # every rule has a full window of healthy readings first
RUN_S = 115
SWEEP_EVERY_S = 3.0
MISSING_AFTER_S = 15
ROLES = ("spike", "drift", "stuck", "dropout")  # devices X, Y, Z, W of the fleet, in order
PLAN = {
    "spike": {"kind": "spike", "start_s": FAULT_AT_S, "duration_s": 5, "size": 80},
    "drift": {"kind": "drift", "start_s": FAULT_AT_S, "duration_s": 60, "size": 6},
    "stuck": {"kind": "stuck", "start_s": FAULT_AT_S, "duration_s": 55},
    "dropout": {"kind": "dropout", "start_s": FAULT_AT_S, "duration_s": 35},
}
NOTIFIED = [("raised", role) for role in ROLES] + [("cleared", role) for role in ROLES]


def conditions(base_temperature: float) -> dict[str, dict[str, Any]]:
    """The rule that must catch each fault, and nothing in healthy noise (sigma 0.1 °C)."""
    return {
        "spike": {
            "type": "threshold",
            "op": "above",
            "set": round(base_temperature + 25, 1),
            "clear": round(base_temperature + 15, 1),
        },
        "drift": {  # faster than 1.5 °C/min, judged over a full minute only
            "type": "composite",
            "op": "and",
            "conditions": [
                {
                    "type": "rate",
                    "per": "minute",
                    "window_s": 60,
                    "op": "above",
                    "set": 1.5,
                    "clear": 0.5,
                },
                {
                    "type": "aggregate",
                    "function": "count",
                    "window_s": 60,
                    "op": "above",
                    "set": 45,
                },
            ],
        },
        "stuck": {  # not the least change over 10 s, for 15 s on end
            "type": "composite",
            "op": "and",
            "conditions": [
                {
                    "type": "rate",
                    "per": "minute",
                    "window_s": 10,
                    "op": "below",
                    "set": 0.001,
                    "duration_s": 15,
                },
                {
                    "type": "rate",
                    "per": "minute",
                    "window_s": 10,
                    "op": "above",
                    "set": -0.001,
                    "duration_s": 15,
                },
            ],
        },
        "dropout": {"type": "missing_data", "timeout_s": MISSING_AFTER_S},
    }


@dataclass
class Scenario:
    org: Organization
    devices: dict[str, str]  # role -> device id
    rules: dict[str, str]  # role -> rule id
    subscriptions: dict[str, str]  # channel -> subscription id
    secret: str
    email: str
    started: datetime  # the simulator's first reading
    dropout_statuses: list[str | None] = field(default_factory=list)  # as polled, changes only

    def role_of(self, device_id: str) -> str:
        return {device: role for role, device in self.devices.items()}[device_id]


def rule_body(role: str, device_id: str, base: float, enabled: bool = True) -> dict[str, Any]:
    return {
        "name": f"e2e {role}",
        "scope": {"kind": "device", "value": device_id},
        "metric": "temperature",
        "severity": "major",
        "condition": conditions(base)[role],
        "lateness_s": 0,
        "enabled": enabled,
    }


def save_rule(org: Organization, rule_id: str, body: dict[str, Any]) -> None:
    saved = org.operator.put(f"/v1/rules/{rule_id}", json=body)
    assert saved.status_code == 200, saved.text


def subscribe(org: Organization, devices: list[str], hook: str, email: str) -> tuple[dict, str]:
    ids, secret = {}, ""
    for channel in (
        {"type": "webhook", "url": hook},
        {"type": "email", "to": email},
        {"type": "in_app"},
    ):
        body = {"name": f"e2e {channel['type']}", "filter": {"device_ids": devices},
                "channel": channel}  # fmt: skip
        created = org.operator.post("/v1/subscriptions", json=body)
        assert created.status_code == 201, created.text
        ids[channel["type"]] = created.json()["subscription"]["id"]
        secret = created.json().get("secret") or secret
    return ids, secret


def simulate(stack: Stack, org: Organization, prefix: str, folder: Path) -> subprocess.Popen:
    devices = [f"{prefix}-{n:04d}" for n in range(1, len(ROLES) + 1)]
    plan = [{"device": device, **PLAN[role]} for role, device in zip(ROLES, devices, strict=True)]
    (folder / "plan.json").write_text(json.dumps(plan))
    command = [
        str(Path(sys.executable).parent / "iotsphere"),
        "simulate",
        *("--config", str(stack.config_path), "--home", str(stack.home.root)),
        *("--devices", str(len(ROLES)), "--rate", "1", "--duration", str(RUN_S)),
        *("--prefix", prefix, "--seed", str(SEED), "--failing-fraction", "0"),
        *("--register-as", org.admin_email, "--fault-plan", str(folder / "plan.json")),
        *("--stats-file", str(folder / "stats.json"), "--log-every", "30"),
    ]
    log = (folder / "simulator.log").open("wb")
    return subprocess.Popen(command, env=dict(stack.env), stdout=log, stderr=subprocess.STDOUT)


def alarm_status(org: Organization, rule_id: str) -> str | None:
    listed = org.viewer.get("/v1/alarms", params={"rule_id": rule_id, "status": "any"})
    assert listed.status_code == 200, listed.text
    return next((alarm["status"] for alarm in listed.json()["items"]), None)


def watch_the_dropout(
    simulator: subprocess.Popen, org: Organization, rule_id: str, body: dict, ports: AlertingPorts
) -> list[str | None]:
    """Sweep every few seconds while the simulator runs and note each status of the dropout's
    alarm. Once it cleared, its rule is disabled: the end of the run is a silence too, and a
    heartbeat rule would rightly raise it."""
    statuses: list[str | None] = [None]
    while simulator.poll() is None:
        sweep_missing_data(datetime.now(tz=UTC), ports)
        status = alarm_status(org, rule_id)
        if status != statuses[-1]:
            statuses.append(status)
            if status == "cleared":
                save_rule(org, rule_id, {**body, "enabled": False})
        time.sleep(SWEEP_EVERY_S)
    return statuses


def queues_drained(settings: Settings) -> bool:
    """Nothing waiting or in flight on the way from the bridge to notify."""
    sqs = aws_client("sqs", settings)
    for name in (settings.telemetry_queue, settings.alerts_queue, settings.notifications_queue):
        attributes = sqs.get_queue_attributes(
            QueueUrl=queue_url(sqs, name),
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        if any(int(count) for count in attributes.values()):
            return False
    return True


def inbox_items(scenario: Scenario) -> list[dict[str, Any]]:
    answer = scenario.org.operator.get("/v1/inbox", params={"limit": 100})
    assert answer.status_code == 200, answer.text
    mine = set(scenario.devices.values())
    return [i for i in answer.json()["items"] if i["item"]["transition"]["device_id"] in mine]


def notified(scenario: Scenario, webhook: WebhookReceiver, stack: Stack) -> tuple[int, int, int]:
    items = sum(len(call.document["items"]) for call in webhook.received())
    mails = len(mails_to(mail_folder(stack.home), scenario.email))
    return items, mails, len(inbox_items(scenario))


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

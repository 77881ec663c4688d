"""The alerting end-to-end scenario: the faults the simulator injects, the rules that must catch
them, the subscriptions that must be told, and what the test watches while the run goes on."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.local.infra_services import mail_folder
from iotsphere.local.stack import Stack
from iotsphere.services.alerting.ports import AlertingPorts
from iotsphere.services.alerting.sweep import sweep_missing_data
from iotsphere.settings import Settings
from tests.e2e.alerting.receivers import WebhookReceiver, mails_to
from tests.e2e.api.client import Organization

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
        "drift": {  # faster than 1.5 °C/min, judged over a full minute of vibration readings only
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
                {  # another metric of the same device: the composite reads two
                    "type": "aggregate",
                    "metric": "vibration",
                    "function": "count",
                    "window_s": 60,
                    "op": "above",
                    "set": 45,
                },
            ],
        },
        "stuck": {  # not the least movement over 10 s, for 15 s on end
            "type": "aggregate",
            "function": "spread",
            "window_s": 10,
            "min_points": 5,
            "op": "below",
            "set": 0.001,
            "duration_s": 15,
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

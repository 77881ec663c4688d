"""A device offline while its wave is offered gets the queued offer when it reconnects, its
image URL expired by then: it asks for a fresh offer over MQTT (on its firmware status topic),
the device-events handler renews it, and the device installs the release."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.devices import topics
from iotsphere.local.secrets import BRIDGE_USER, mqtt_credentials
from iotsphere.services.firmware.ids import new_rollout_id
from iotsphere.services.firmware.rollouts import RolloutRequest, start_rollout
from iotsphere.simulator.device_agents import AgentOptions, SimulatedAgent
from tests.e2e.firmware.harness import (
    START_VERSION,
    BrokerClient,
    decommission,
    eventually,
    new_family,
    onboard,
    publish_release,
    rollout_devices,
)

pytestmark = pytest.mark.e2e

IMAGE = bytes(range(256)) * 32
URL_TTL = timedelta(seconds=1)


def test_a_device_whose_offer_url_expired_asks_for_a_fresh_one_over_mqtt_and_installs(
    org, firmware_stack, rollout_ports, trusted
):
    family, type_id = new_family(org)
    [package] = onboard(org, type_id, 1)
    release = publish_release(org, family, "3.0.0", IMAGE)
    options = AgentOptions(trusted=trusted, firmware_version=START_VERSION)
    port = firmware_stack.config.services.mosquitto.port
    bridge = BrokerClient(port, *mqtt_credentials(firmware_stack.home.root, BRIDGE_USER))
    bridge.subscribe(topics.firmware_status(package.device_id))
    device = SimulatedAgent(package, family, options)
    try:
        device.start()  # its persistent session: the broker queues what comes while it is away
        device.stop()
        short_lived = dataclasses.replace(rollout_ports, url_ttl=URL_TTL)
        request = RolloutRequest.model_validate(
            {
                "release_id": release["release_id"],
                "target": {"device_ids": [package.device_id]},
                "plan": {"percents": [100]},
                "gate": {"soak_time": "PT0S"},
            }
        )
        rollout = start_rollout(
            org.org_id, request, new_rollout_id(), short_lived, datetime.now(tz=UTC)
        )
        time.sleep(2 * URL_TTL.total_seconds())  # the queued offer's URL is past its expiry
        device.start()
        [healthy] = eventually(
            lambda: rollout_devices(org, rollout.rollout_id),
            lambda ds: ds[0]["state"] == "healthy",
            "the device installed the release",
        )
        assert healthy["code"] is None
        assert device.firmware_version == "3.0.0"
        sent = [json.loads(p) for p in bridge.on(topics.firmware_status(package.device_id))]
        renewals = [m for m in sent if m.get("request") == "renew_offer"]
        assert [(r["rollout_id"], r["release_id"]) for r in renewals] == [
            (rollout.rollout_id, release["release_id"])
        ]
        reports = [m for m in sent if "state" in m]
        # The device's birth also brought its open offer again (a lost offer is re-sent): a copy
        # that arrives once it runs the release is answered "same version", nothing more.
        again = [m for m in reports if m.get("code") == "anti_rollback"]
        assert all(m["running_version"] == "3.0.0" for m in again)
        assert [m["state"] for m in reports if m not in again] == [
            "downloading",
            "installed",
            "healthy",
        ]
    finally:
        device.stop()
        bridge.close()
        decommission(org, [package])

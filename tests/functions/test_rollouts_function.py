"""The rollout sweep as its schedule fires it, and firmware status reports as the ``device-events``
handler hands them over, on in-memory firmware ports."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import rollouts
from iotsphere import bootstrap
from iotsphere.domain.devices.messages import DeviceEvent
from iotsphere.domain.firmware.progress import FirmwareStatusReport, ProgressState
from iotsphere.domain.firmware.release import Release
from iotsphere.domain.firmware.rollout import HealthGate, RolloutState, RolloutTarget
from iotsphere.domain.firmware.waves import WavePlan
from iotsphere.services.devices.device_events import DeviceBirth
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.firmware.ports import RolloutPorts
from iotsphere.services.firmware.reports import record_status
from iotsphere.services.firmware.rollouts import RolloutRequest, start_rollout
from tests.sample_events import load_event
from tests.unit.firmware.factories import NOW, KeyPair, manifest
from tests.unit.firmware.fakes import (
    FakeDirectory,
    FakeImages,
    FakeOffers,
    FakeReleases,
    FakeRollouts,
    FakeTargets,
)
from tests.unit.identity.fakes import fake_ports as fake_identity_ports

SWEEP = "rollouts_schedule-sweep.json"
REPORT = "rollouts_firmware-status-event.json"
RENEWAL = "rollouts_offer-renewal-event.json"
ROLLOUT = "ro-000000000000000000000001"
OTHER = "ro-000000000000000000000002"
MADE = manifest(release_id="rel-000000000000000000000001", expires_at=NOW + timedelta(days=3650))
RELEASE = Release.of(MADE, KeyPair().sign(MADE))
GATE = HealthGate(max_failure_rate=0.1, min_success_rate=0.5, soak_time=timedelta(0))
PUMPS = [f"pump-{i:03}" for i in range(20)]


@pytest.fixture
def ports(monkeypatch) -> RolloutPorts:
    releases = FakeReleases()
    releases.add(RELEASE)
    targets = FakeTargets()
    for device_id in PUMPS:
        targets.add(device_id)
    found = RolloutPorts(
        releases=releases,
        rollouts=FakeRollouts(),
        targets=targets,
        images=FakeImages(),
        offers=FakeOffers(),
    )
    monkeypatch.setattr(bootstrap, "rollout_ports", lambda: found)
    monkeypatch.setattr(
        bootstrap, "registry_targets", lambda: FakeDirectory(dict.fromkeys(PUMPS, "acme"))
    )
    return found


def start(ports: RolloutPorts, rollout_id: str = ROLLOUT, percents=(10, 100)) -> None:
    request = RolloutRequest(
        release_id=RELEASE.release_id,
        target=RolloutTarget(device_ids=PUMPS),
        plan=WavePlan(percents=list(percents)),
        gate=GATE,
    )
    start_rollout("acme", request, rollout_id, ports, NOW)


def first_wave(ports: RolloutPorts, rollout_id: str = ROLLOUT) -> list[str]:
    return [d for _, d, offer in ports.offers.sent if offer.rollout_id == rollout_id]


def settle(ports: RolloutPorts, devices: list[str], state: str, rollout_id: str = ROLLOUT) -> None:
    for device_id in devices:
        report = FirmwareStatusReport(
            device_id=device_id,
            rollout_id=rollout_id,
            release_id=RELEASE.release_id,
            state=state,
            at=NOW,
        )
        record_status("acme", report, ports, NOW)


def sweep(client) -> dict:
    response = client.lambda_.invoke("advance_firmware_rollouts", load_event(SWEEP))
    return response.payload


def test_the_sweep_is_its_own_function_fired_every_minute(client):
    from app import app

    (source,) = [s for s in app.event_sources if s.name == "advance_firmware_rollouts"]
    assert source.schedule_expression == "rate(1 minute)"


def test_the_sweep_leads_a_healthy_wave_to_the_next_and_offers_it(client, ports):
    start(ports)
    wave = first_wave(ports)
    settle(ports, wave, "healthy")
    result = sweep(client)
    assert result["rollouts"] == {ROLLOUT: {"state": "running", "wave": 1}}
    assert sorted(d for _, d, _ in ports.offers.sent) == PUMPS
    settle(ports, [d for d in PUMPS if d not in wave], "healthy")
    assert sweep(client)["rollouts"] == {ROLLOUT: {"state": "completed", "wave": 1}}
    assert sweep(client)["rollouts"] == {}  # a completed rollout is no longer swept


def test_the_sweep_halts_a_wave_that_breaches_its_gate_and_offers_nothing_more(client, ports):
    start(ports)
    wave = first_wave(ports)
    settle(ports, wave, "failed")
    assert sweep(client)["rollouts"] == {ROLLOUT: {"state": "halted", "wave": 0}}
    rollout = ports.rollouts.get("acme", ROLLOUT)
    assert "wave 1: 2 of 2 devices failed" in rollout.reason
    sweep(client)
    assert len(ports.offers.sent) == len(wave)


def test_a_rollout_the_sweep_cannot_advance_does_not_stop_the_others(client, ports, monkeypatch):
    start(ports)
    start(ports, OTHER)
    settle(ports, first_wave(ports, OTHER), "healthy", OTHER)
    counts = ports.rollouts.counts

    def down_for_the_first(org_id, rollout_id):
        if rollout_id == ROLLOUT:
            raise StoreUnavailableError("MongoDB down")
        return counts(org_id, rollout_id)

    monkeypatch.setattr(ports.rollouts, "counts", down_for_the_first)
    result = sweep(client)
    assert result["rollouts"] == {OTHER: {"state": "running", "wave": 1}}
    assert result["failed"] == {ROLLOUT: "MongoDB down"}


def test_the_sweep_cancels_a_rollout_whose_release_is_gone_once_and_audits_it(
    client, ports, monkeypatch
):
    """Instead of an error every minute for good: cancelled, the reason kept, the platform named
    as the actor in the organization's audit log."""
    identity = fake_identity_ports()
    monkeypatch.setattr(bootstrap, "identity_ports", lambda: identity)
    start(ports)
    del ports.releases.releases[RELEASE.release_id]
    result = sweep(client)
    assert (result["rollouts"], result["failed"]) == (
        {ROLLOUT: {"state": "cancelled", "wave": 0}},
        {},
    )
    rollout = ports.rollouts.get("acme", ROLLOUT)
    assert rollout.reason == f"release {RELEASE.release_id} no longer exists"
    [entry] = identity.audit.entries
    assert (entry.org_id, entry.actor_id, entry.action, entry.target_id) == (
        "acme",
        "system",
        "firmware.cancel_rollout",
        ROLLOUT,
    )
    assert entry.details["reason"] == rollout.reason
    assert sweep(client) == {"rollouts": {}, "failed": {}}
    assert len(identity.audit.entries) == 1


def test_a_stopped_rollout_stays_stopped_when_its_audit_entry_cannot_be_stored(
    client, ports, monkeypatch
):
    def no_audit():
        raise StoreUnavailableError("MongoDB down")

    monkeypatch.setattr(bootstrap, "identity_ports", no_audit)
    start(ports)
    settle(ports, first_wave(ports), "failed")
    assert sweep(client)["rollouts"] == {ROLLOUT: {"state": "halted", "wave": 0}}
    assert ports.rollouts.get("acme", ROLLOUT).state is RolloutState.HALTED


def test_a_report_of_a_device_not_offered_yet_changes_nothing(ports):
    start(ports)
    assert "pump-000" not in first_wave(ports)
    event = DeviceEvent.model_validate(load_event(REPORT))
    assert rollouts.record_firmware_status(event).outcome == "ignored"
    assert ports.rollouts.device("acme", ROLLOUT, "pump-000").state is ProgressState.PENDING


def test_a_firmware_status_event_moves_its_device_once(ports):
    start(ports, percents=[100])
    event = DeviceEvent.model_validate(load_event(REPORT))
    assert rollouts.is_firmware_status(event.topic)
    assert not rollouts.is_firmware_status("devices/pump-000/status")
    assert rollouts.record_firmware_status(event).outcome == "handled"
    progress = ports.rollouts.device("acme", ROLLOUT, "pump-000")
    assert (progress.state, progress.code) == (ProgressState.FAILED, "hash_mismatch")
    assert progress.updated_at == NOW  # the time the bridge received it
    assert rollouts.record_firmware_status(event).outcome == "ignored"


def test_a_firmware_status_event_for_an_unknown_rollout_is_refused(ports):
    event = DeviceEvent.model_validate(load_event(REPORT))
    outcome = rollouts.record_firmware_status(event)
    assert (outcome.outcome, ROLLOUT in outcome.reason) == ("refused", True)


def test_a_store_that_is_down_raises_so_the_event_comes_again(ports, monkeypatch):
    start(ports, percents=[100])

    def down(*args, **kwargs):
        raise StoreUnavailableError("MongoDB down")

    monkeypatch.setattr(ports.rollouts, "move", down)
    with pytest.raises(StoreUnavailableError):
        rollouts.record_firmware_status(DeviceEvent.model_validate(load_event(REPORT)))
    assert ports.rollouts.get("acme", ROLLOUT).state is RolloutState.RUNNING


def test_a_device_asking_for_a_fresh_offer_gets_one_valid_from_when_the_bridge_received_it(ports):
    start(ports, percents=[100])
    ports.offers.sent.clear()
    event = DeviceEvent.model_validate(load_event(RENEWAL))
    assert rollouts.is_firmware_status(event.topic)
    assert rollouts.record_firmware_status(event).outcome == "handled"
    [(org_id, device_id, offer)] = ports.offers.sent
    assert (org_id, device_id, offer.rollout_id) == ("acme", "pump-000", ROLLOUT)
    assert offer.url_expires_at == NOW + ports.url_ttl


def test_a_fresh_offer_for_a_cancelled_rollout_is_refused(ports):
    start(ports, percents=[100])
    ports.rollouts.rollouts[ROLLOUT] = ports.rollouts.get("acme", ROLLOUT).cancel(NOW)
    ports.offers.sent.clear()
    outcome = rollouts.record_firmware_status(DeviceEvent.model_validate(load_event(RENEWAL)))
    assert (outcome.outcome, ports.offers.sent) == ("refused", [])
    assert "cancelled" in outcome.reason


def birth(device_id: str, running: str | None = "1.0.0", org_id: str = "acme") -> DeviceBirth:
    """A birth as the device services hand it over once they recorded it."""
    return DeviceBirth(
        org_id=org_id, device_id=device_id, firmware_version=running, at=NOW + timedelta(hours=1)
    )


def test_a_device_coming_back_gets_its_lost_offer_again_valid_from_its_birth(ports):
    start(ports, percents=[100])
    ports.offers.sent.clear()
    assert rollouts.reoffer_on_birth(birth("pump-000")) == [ROLLOUT]
    [(org_id, device_id, offer)] = ports.offers.sent
    assert (org_id, device_id, offer.rollout_id) == ("acme", "pump-000", ROLLOUT)
    assert offer.url_expires_at == NOW + timedelta(hours=1) + ports.url_ttl


@pytest.mark.parametrize(
    "returning",
    [
        birth("pump-000", running=RELEASE.version),  # rebooted into it, reports still on the way
        birth("pump-000", org_id="globex"),  # the same id in another organization
        birth("stranger"),  # in no rollout
    ],
)
def test_no_offer_goes_out_for_a_release_it_runs_or_a_device_outside_the_rollout(ports, returning):
    start(ports, percents=[100])
    ports.offers.sent.clear()
    assert rollouts.reoffer_on_birth(returning) == []
    assert ports.offers.sent == []

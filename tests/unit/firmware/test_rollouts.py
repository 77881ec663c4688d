from datetime import timedelta

import pytest

from iotsphere.domain.firmware.progress import ProgressState
from iotsphere.domain.firmware.refusals import RefusalCode
from iotsphere.domain.firmware.rollout import RolloutState, RolloutTarget
from iotsphere.domain.firmware.waves import WavePlan
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.firmware.errors import (
    InvalidRolloutRequestError,
    ReleaseNotFoundError,
    RolloutConflictError,
    RolloutNotFoundError,
    RolloutStateError,
)
from iotsphere.services.firmware.offers import renew_offer, reoffer_to_returning_device
from iotsphere.services.firmware.ports import RolloutPorts
from iotsphere.services.firmware.reports import record_status
from iotsphere.services.firmware.rollouts import (
    RolloutRequest,
    advance_rollout,
    advance_rollouts,
    cancel_rollout,
    pause_rollout,
    resume_rollout,
    start_rollout,
)
from iotsphere.services.firmware.sweep_audit import stop_audit_entry
from tests.unit.firmware.factories import NOW
from tests.unit.firmware.scenario import RELEASE, SOAK, offered_in_wave, report, settle, start

P = ProgressState


def test_a_rollout_offers_its_first_wave_only_with_a_short_lived_url(ports):
    rollout = start(ports)
    assert (rollout.state, rollout.wave, rollout.wave_ends) == (
        RolloutState.RUNNING,
        0,
        [2, 20, 100, 200],
    )
    assert len(ports.offers.sent) == 2
    _, _, offer = ports.offers.sent[0]
    assert offer.url_expires_at == NOW + timedelta(minutes=15)
    assert offer.signed == RELEASE.signed
    assert len(ports.rollouts.progress) == 200


def test_healthy_waves_lead_to_the_next_after_their_soak_until_complete(ports):
    start(ports)
    now = NOW
    for wave in range(4):
        settle(ports, offered_in_wave(ports, wave), "healthy")
        assert advance_rollout("acme", "ro-1", ports, now).wave == wave  # still soaking
        now += SOAK
        rollout = advance_rollout("acme", "ro-1", ports, now)
    assert rollout.state is RolloutState.COMPLETED
    assert sorted(ports.offers.devices()) == sorted(f"pump-{i:03}" for i in range(200))


def test_a_wave_breaching_the_gate_halts_the_rollout_and_offers_nothing_more(ports):
    start(ports)
    settle(ports, offered_in_wave(ports, 0), "healthy")
    advance_rollout("acme", "ro-1", ports, NOW + SOAK)
    wave_two = offered_in_wave(ports, 1)
    assert len(wave_two) == 18
    settle(ports, wave_two[:1], "rolled_back")
    assert advance_rollout("acme", "ro-1", ports, NOW + SOAK).state is RolloutState.RUNNING
    settle(ports, wave_two[1:2], "failed", code=RefusalCode.HASH_MISMATCH)
    halted = advance_rollout("acme", "ro-1", ports, NOW + SOAK)
    assert halted.state is RolloutState.HALTED
    assert halted.reason == "wave 2: 2 of 18 devices failed (11.1%); the gate allows 10.0%"
    assert advance_rollout("acme", "ro-1", ports, NOW + 9 * SOAK) == halted
    assert len(ports.offers.sent) == 20


def test_resuming_a_halted_rollout_waives_that_waves_gate(ports):
    start(ports, plan=WavePlan(sizes=[10]))
    settle(ports, offered_in_wave(ports, 0), "failed")
    assert advance_rollout("acme", "ro-1", ports, NOW).state is RolloutState.HALTED
    assert resume_rollout("acme", "ro-1", ports, NOW + SOAK / 2).wave == 0
    assert advance_rollout("acme", "ro-1", ports, NOW + 2 * SOAK).wave == 1
    assert len(ports.offers.sent) == 200


def test_a_redelivered_or_late_report_is_never_counted_twice(ports):
    start(ports)
    device_id = offered_in_wave(ports, 0)[0]
    assert record_status("acme", report(device_id, "downloading"), ports, NOW)
    assert record_status("acme", report(device_id, "rolled_back"), ports, NOW)
    assert not record_status("acme", report(device_id, "rolled_back"), ports, NOW)
    assert not record_status("acme", report(device_id, "installed"), ports, NOW)
    assert not record_status("acme", report(device_id, "healthy"), ports, NOW)
    assert ports.rollouts.counts("acme", "ro-1")[0] == {P.ROLLED_BACK: 1, P.OFFERED: 1}


def test_a_report_for_a_device_not_yet_offered_changes_nothing(ports):
    start(ports)
    later = next(p.device_id for p in ports.rollouts.progress.values() if p.wave == 3)
    assert not record_status("acme", report(later, "healthy"), ports, NOW)


def test_a_device_already_running_the_release_counts_as_healthy(ports):
    start(ports)
    device_id = offered_in_wave(ports, 0)[0]
    already = report(device_id, "failed", code=RefusalCode.ANTI_ROLLBACK, running_version="1.3.0")
    assert record_status("acme", already, ports, NOW)
    assert ports.rollouts.device("acme", "ro-1", device_id).state is P.HEALTHY


def test_pause_stops_offers_until_resumed_and_cancel_ends_them(ports):
    start(ports)
    settle(ports, offered_in_wave(ports, 0), "healthy")
    assert pause_rollout("acme", "ro-1", ports, NOW).state is RolloutState.PAUSED
    assert advance_rollout("acme", "ro-1", ports, NOW + SOAK).state is RolloutState.PAUSED
    assert len(ports.offers.sent) == 2
    assert resume_rollout("acme", "ro-1", ports, NOW + SOAK).wave == 1
    assert len(ports.offers.sent) == 20
    assert cancel_rollout("acme", "ro-1", ports, NOW + SOAK).state is RolloutState.CANCELLED
    settle(ports, offered_in_wave(ports, 1), "healthy")
    assert advance_rollout("acme", "ro-1", ports, NOW + 3 * SOAK).state is RolloutState.CANCELLED
    assert len(ports.offers.sent) == 20
    with pytest.raises(RolloutStateError, match="cannot resume a rollout that is cancelled"):
        resume_rollout("acme", "ro-1", ports, NOW + 3 * SOAK)


def test_another_organization_sees_neither_the_rollout_nor_the_release(ports):
    start(ports)
    with pytest.raises(RolloutNotFoundError):
        pause_rollout("globex", "ro-1", ports, NOW)
    with pytest.raises(RolloutNotFoundError):
        record_status("globex", report("pump-000", "healthy"), ports, NOW)
    request = RolloutRequest(release_id=RELEASE.release_id, target=RolloutTarget(groups=["north"]))
    with pytest.raises(ReleaseNotFoundError):
        start_rollout("globex", request, "ro-2", ports, NOW)


def test_targets_are_the_organizations_devices_of_the_release_type_each_once(ports):
    rollout = start(ports, device_ids=["pump-000", "pump-001", "valve-1"], groups=["north"])
    assert rollout.total == 101  # the 100 odd pumps of north, and pump-000 by id
    assert "valve-1" not in {p.device_id for p in ports.rollouts.progress.values()}


@pytest.mark.parametrize(
    ("target", "message"),
    [({}, "name at least one"), ({"groups": ["east"]}, "no pump-v2 devices")],
)
def test_a_rollout_without_devices_is_refused(ports, target, message):
    request = RolloutRequest(release_id=RELEASE.release_id, target=RolloutTarget(**target))
    with pytest.raises(InvalidRolloutRequestError, match=message):
        start_rollout("acme", request, "ro-1", ports, NOW)
    assert ports.rollouts.rollouts == {}


def test_an_expired_release_cannot_start_and_halts_a_running_rollout(ports):
    start(ports)
    halted = advance_rollout("acme", "ro-1", ports, RELEASE.expires_at)
    assert (halted.state, halted.reason) == (
        RolloutState.HALTED,
        f"wave 1: release {RELEASE.release_id} expired",
    )
    request = RolloutRequest(release_id=RELEASE.release_id, target=RolloutTarget(groups=["north"]))
    with pytest.raises(InvalidRolloutRequestError, match="expired"):
        start_rollout("acme", request, "ro-2", ports, RELEASE.expires_at)


def test_the_sweep_advances_every_running_rollout(ports):
    start(ports)
    settle(ports, offered_in_wave(ports, 0), "healthy")
    sweep = advance_rollouts(ports, NOW + SOAK)
    assert ([r.wave for r in sweep.advanced], sweep.failed) == ([1], {})


def test_one_rollout_failing_does_not_stop_the_sweep(ports, monkeypatch):
    start(ports)
    second = ports.rollouts.rollouts["ro-1"].model_copy(update={"rollout_id": "ro-2"})
    ports.rollouts.rollouts["ro-2"] = second
    counts = ports.rollouts.counts

    def down_for_the_second(org_id, rollout_id):
        if rollout_id == "ro-2":
            raise StoreUnavailableError("MongoDB down")
        return counts(org_id, rollout_id)

    monkeypatch.setattr(ports.rollouts, "counts", down_for_the_second)
    sweep = advance_rollouts(ports, NOW + SOAK)
    assert [r.rollout_id for r in sweep.advanced] == ["ro-1"]
    assert sweep.failed == {"ro-2": "MongoDB down"}


def test_a_running_rollout_whose_release_is_gone_is_cancelled_once_with_the_reason(ports):
    """Nothing can be offered any more and no resume could mend it: the sweep ends the rollout
    instead of failing on it every minute."""
    start(ports)
    del ports.releases.releases[RELEASE.release_id]
    sweep = advance_rollouts(ports, NOW + SOAK)
    [cancelled] = sweep.stopped
    assert (cancelled.rollout_id, cancelled.state) == ("ro-1", RolloutState.CANCELLED)
    assert cancelled.reason == f"release {RELEASE.release_id} no longer exists"
    assert (ports.rollouts.get("acme", "ro-1"), sweep.failed) == (cancelled, {})
    again = advance_rollouts(ports, NOW + 2 * SOAK)
    assert (again.advanced, again.stopped, again.failed) == ([], [], {})


def test_the_sweep_reports_as_stopped_only_what_it_stopped_itself(ports):
    start(ports)
    settle(ports, offered_in_wave(ports, 0), "failed")
    sweep = advance_rollouts(ports, NOW + SOAK)
    assert [(r.rollout_id, r.state) for r in sweep.stopped] == [("ro-1", RolloutState.HALTED)]
    settle(ports, offered_in_wave(ports, 0), "healthy")
    assert advance_rollouts(ports, NOW + SOAK).stopped == []  # halted already: not swept


def test_a_rollout_an_operator_cancels_while_the_sweep_runs_is_not_the_sweeps_doing(
    ports, monkeypatch
):
    start(ports)
    listed = ports.rollouts.running()
    cancel_rollout("acme", "ro-1", ports, NOW)
    monkeypatch.setattr(ports.rollouts, "running", lambda limit=1000: listed)
    sweep = advance_rollouts(ports, NOW + SOAK)
    assert (sweep.advanced, sweep.stopped, sweep.failed) == ([], [], {})


def test_a_rollout_the_sweep_stopped_is_audited_as_the_platforms_doing_with_its_reason(ports):
    start(ports)
    rollout = ports.rollouts.get("acme", "ro-1")
    cancelled = rollout.cancel(NOW, "release rel-1 no longer exists")
    entry = stop_audit_entry(cancelled, NOW + SOAK)
    assert (entry.org_id, entry.at, entry.actor_kind, entry.actor_id) == (
        "acme",
        NOW + SOAK,
        "system",
        "system",
    )
    assert (entry.action, entry.target_type, entry.target_id) == (
        "firmware.cancel_rollout",
        "rollout_id",
        "ro-1",
    )
    assert entry.details == {
        "release_id": RELEASE.release_id,
        "reason": "release rel-1 no longer exists",
    }
    halted = rollout.breach(NOW, "2 of 2 devices failed")
    assert stop_audit_entry(halted, NOW).action == "firmware.halt_rollout"


def test_a_write_that_raced_another_is_refused(ports):
    rollout = start(ports)
    ports.rollouts.save(rollout.pause(NOW), rollout.revision)
    with pytest.raises(RolloutStateError, match="changed meanwhile"):
        ports.rollouts.save(rollout.cancel(NOW), rollout.revision)


def test_urls_must_expire_within_fifteen_minutes(ports):
    with pytest.raises(ValueError, match="within"):
        RolloutPorts(
            releases=ports.releases,
            rollouts=ports.rollouts,
            targets=ports.targets,
            images=ports.images,
            offers=ports.offers,
            url_ttl=timedelta(minutes=16),
        )


def test_an_offered_device_can_get_a_fresh_url(ports):
    start(ports)
    device_id = offered_in_wave(ports, 0)[0]
    later = NOW + timedelta(hours=3)
    renewed = renew_offer("acme", "ro-1", device_id, ports, later)
    (_, offered_to, offer) = ports.offers.sent[-1]
    assert (offered_to, offer, renewed.url_expires_at) == (
        device_id,
        renewed,
        later + timedelta(minutes=15),
    )


def test_no_fresh_url_for_a_finished_device_or_a_cancelled_rollout(ports):
    start(ports)
    done, other = offered_in_wave(ports, 0)
    settle(ports, [done], "healthy")
    with pytest.raises(RolloutStateError, match="is healthy: no offer to renew"):
        renew_offer("acme", "ro-1", done, ports, NOW)
    later = next(p.device_id for p in ports.rollouts.progress.values() if p.wave == 3)
    with pytest.raises(RolloutStateError, match="is pending"):
        renew_offer("acme", "ro-1", later, ports, NOW)
    cancel_rollout("acme", "ro-1", ports, NOW)
    with pytest.raises(RolloutStateError, match="cancelled"):
        renew_offer("acme", "ro-1", other, ports, NOW)


def test_a_taken_rollout_id_is_refused_and_changes_nothing(ports):
    start(ports)
    before = dict(ports.rollouts.progress)
    with pytest.raises(RolloutConflictError):
        start(ports)
    assert ports.rollouts.progress == before
    assert len(ports.offers.sent) == 2


def test_a_report_from_a_device_outside_the_rollout_is_not_found(ports):
    start(ports)
    with pytest.raises(RolloutNotFoundError, match="valve-1 is not in rollout ro-1"):
        record_status("acme", report("valve-1", "healthy"), ports, NOW)
    with pytest.raises(RolloutNotFoundError):
        record_status("acme", report("valve-1", "healthy", release_id="rel-other"), ports, NOW)


def test_a_device_that_comes_back_gets_its_open_offer_again_with_a_fresh_url(ports):
    """An offer can be lost (a device without a persistent session, a reflash): its birth is the
    moment to offer again, or the device would stay 'offered' for good."""
    start(ports)
    waiting, done = offered_in_wave(ports, 0)
    settle(ports, [done], "healthy")
    ports.offers.sent.clear()
    later = NOW + timedelta(hours=2)
    assert reoffer_to_returning_device("acme", waiting, ports, later) == ["ro-1"]
    ((_, offered_to, offer),) = ports.offers.sent
    assert (offered_to, offer.url_expires_at) == (waiting, later + timedelta(minutes=15))
    assert reoffer_to_returning_device("acme", done, ports, later) == []
    pending = next(p.device_id for p in ports.rollouts.progress.values() if p.wave == 3)
    assert reoffer_to_returning_device("acme", pending, ports, later) == []
    assert reoffer_to_returning_device("globex", waiting, ports, later) == []
    # it rebooted into the release before its reports were recorded: nothing to offer
    assert reoffer_to_returning_device("acme", waiting, ports, later, RELEASE.version) == []
    assert reoffer_to_returning_device("acme", waiting, ports, later, "1.2.0") == ["ro-1"]


def test_a_returning_device_gets_nothing_from_a_paused_or_cancelled_rollout(ports):
    start(ports)
    waiting = offered_in_wave(ports, 0)[0]
    pause_rollout("acme", "ro-1", ports, NOW)
    ports.offers.sent.clear()
    assert reoffer_to_returning_device("acme", waiting, ports, NOW) == []
    cancel_rollout("acme", "ro-1", ports, NOW)
    assert reoffer_to_returning_device("acme", waiting, ports, NOW) == []
    assert ports.offers.sent == []


def test_offering_again_to_a_returning_device_reads_its_rollout_and_release_once(
    ports, monkeypatch
):
    """A birth is frequent: each open offer costs one read of its rollout and one of its release
    (``open_offers`` already says the device is offered or downloading)."""
    start(ports)
    waiting = offered_in_wave(ports, 0)[0]
    reads: list[str] = []

    def counted(name, read):
        def wrapper(*args):
            reads.append(name)
            return read(*args)

        return wrapper

    monkeypatch.setattr(ports.rollouts, "get", counted("rollout", ports.rollouts.get))
    monkeypatch.setattr(ports.rollouts, "device", counted("progress", ports.rollouts.device))
    monkeypatch.setattr(ports.releases, "get", counted("release", ports.releases.get))
    assert reoffer_to_returning_device("acme", waiting, ports, NOW, "1.2.0") == ["ro-1"]
    assert sorted(reads) == ["release", "rollout"]


def test_a_returning_device_gets_nothing_and_no_error_when_its_release_is_gone(ports):
    start(ports)
    waiting = offered_in_wave(ports, 0)[0]
    ports.offers.sent.clear()
    del ports.releases.releases[RELEASE.release_id]
    assert reoffer_to_returning_device("acme", waiting, ports, NOW) == []
    assert ports.offers.sent == []

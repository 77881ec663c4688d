import pytest

from iotsphere.domain.firmware.progress import ProgressState
from iotsphere.domain.firmware.refusals import RefusalCode
from iotsphere.services.firmware.errors import InvalidStatusReportError, RolloutNotFoundError
from iotsphere.services.firmware.queries import rollout_devices, rollout_progress
from iotsphere.services.firmware.reports import record_device_report
from tests.unit.firmware.factories import NOW
from tests.unit.firmware.fakes import FakeDirectory
from tests.unit.firmware.scenario import offered_in_wave, report, settle, start

P = ProgressState


@pytest.fixture
def directory():
    return FakeDirectory({f"pump-{i:03}": "acme" for i in range(200)} | {"stranger": "globex"})


def test_a_devices_own_report_moves_its_progress(ports, directory):
    start(ports)
    device_id = offered_in_wave(ports, 0)[0]
    payload = report(device_id, "healthy").model_dump_json()
    assert record_device_report(device_id, payload, directory, ports, NOW)
    assert not record_device_report(device_id, payload, directory, ports, NOW)
    assert ports.rollouts.device("acme", "ro-1", device_id).state is P.HEALTHY


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"{not json", "not a firmware status report: payload: Invalid JSON"),
        (b'{"v": 2}', "not a firmware status report: v: Input should be 1"),
    ],
)
def test_a_payload_that_is_no_report_is_refused_with_the_reason(ports, directory, payload, message):
    with pytest.raises(InvalidStatusReportError, match=message):
        record_device_report("pump-000", payload, directory, ports, NOW)


def test_a_device_cannot_report_for_another(ports, directory):
    start(ports)
    sender, other = offered_in_wave(ports, 0)
    payload = report(other, "failed").model_dump_json()
    with pytest.raises(InvalidStatusReportError, match=f"sent a report for device {other}"):
        record_device_report(sender, payload, directory, ports, NOW)
    assert ports.rollouts.device("acme", "ro-1", other).state is P.OFFERED


def test_an_unregistered_or_foreign_device_changes_nothing(ports, directory):
    start(ports)
    with pytest.raises(InvalidStatusReportError, match="not registered"):
        record_device_report(
            "ghost", report("ghost", "healthy").model_dump_json(), directory, ports, NOW
        )
    with pytest.raises(RolloutNotFoundError):
        record_device_report(
            "stranger", report("stranger", "healthy").model_dump_json(), directory, ports, NOW
        )


def test_progress_shows_every_wave_with_every_state(ports):
    start(ports)
    progress = rollout_progress("acme", "ro-1", ports.rollouts)
    assert [w.size for w in progress.waves] == [2, 18, 80, 100]
    assert progress.waves[0].devices[P.OFFERED] == 2
    assert progress.waves[3].devices == {state: 100 if state is P.PENDING else 0 for state in P}
    with pytest.raises(RolloutNotFoundError):
        rollout_progress("globex", "ro-1", ports.rollouts)


def test_failed_devices_are_listed_with_their_codes_a_page_at_a_time(ports, directory):
    start(ports)
    settle(ports, offered_in_wave(ports, 0), "failed", code=RefusalCode.WRONG_KEY)
    first = rollout_devices("acme", "ro-1", ports.rollouts, P.FAILED, limit=1)
    second = rollout_devices("acme", "ro-1", ports.rollouts, P.FAILED, first.next_after, limit=1)
    assert [d.code for d in first.devices + second.devices] == [RefusalCode.WRONG_KEY] * 2
    assert sorted(d.device_id for d in first.devices + second.devices) == sorted(
        offered_in_wave(ports, 0)
    )
    assert (
        rollout_devices("acme", "ro-1", ports.rollouts, P.FAILED, second.next_after).devices == []
    )
    assert len(rollout_devices("acme", "ro-1", ports.rollouts, P.PENDING, limit=500).devices) == 198
    with pytest.raises(RolloutNotFoundError):
        rollout_devices("globex", "ro-1", ports.rollouts)


def test_an_answer_that_overtakes_the_offered_mark_still_counts(ports):
    """Offers are published before their devices are marked offered: a fast device's reports may
    arrive first. They apply to a device of the wave being offered, in whatever order."""
    start(ports)
    device_id = offered_in_wave(ports, 0)[0]
    key = ("ro-1", device_id)
    ports.rollouts.progress[key] = ports.rollouts.progress[key].model_copy(
        update={"state": ProgressState.PENDING}
    )
    settle(ports, [device_id], "installed")
    settle(ports, [device_id], "downloading")  # late: changes nothing
    assert ports.rollouts.device("acme", "ro-1", device_id).state is ProgressState.INSTALLED
    ports.rollouts.move("acme", "ro-1", [device_id], ProgressState.OFFERED, NOW)  # the mark
    assert ports.rollouts.device("acme", "ro-1", device_id).state is ProgressState.INSTALLED


def test_a_report_from_a_device_of_a_wave_not_offered_yet_changes_nothing(ports):
    start(ports)
    later = next(p for p in ports.rollouts.progress.values() if p.wave == 1).device_id
    settle(ports, [later], "healthy")
    assert ports.rollouts.device("acme", "ro-1", later).state is ProgressState.PENDING

"""Planned faults (``--fault-plan``): a spike, a drift, a stuck sensor or a dropout on a named
device, at a set offset from the start of the run, for a set time, the same in every run."""

import json
from pathlib import Path

import pytest

from iotsphere.simulator.errors import FaultSpecError
from iotsphere.simulator.fault_plan import PlannedFault, load_fault_plan, plan_fleet
from iotsphere.simulator.fleet import FleetOptions, SimulatedDevice, build_fleet
from iotsphere.simulator.signals import SensorFaultKind

START_S = 1_764_180_000.0  # 2025-11-26T18:00:00Z
START_MS = int(START_S * 1000)


def fleet(*planned: dict) -> list[SimulatedDevice]:
    devices = build_fleet(FleetOptions(devices=3, prefix="t", seed=7), START_S)
    plan_fleet(devices, [PlannedFault.model_validate(p) for p in planned], START_S)
    return devices


def temperature(device: SimulatedDevice, offset_s: float) -> float | None:
    message = device.message(0, START_MS + int(offset_s * 1000))
    if message.payload is None:
        return None
    return float(json.loads(message.payload)["metrics"]["temperature"])


def write_plan(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_a_plan_file_lists_faults_with_their_times(tmp_path: Path):
    path = write_plan(
        tmp_path,
        [
            {"device": "t-0001", "kind": "spike", "start_s": 20, "duration_s": 5, "size": 80},
            {"device": "t-0002", "kind": "drift", "metric": "current", "start_s": 10,
             "duration_s": 60, "size": 2.5},
            {"device": "t-0003", "kind": "dropout", "start_s": 0, "duration_s": 30},
        ],
    )  # fmt: skip
    spike, drift, dropout = load_fault_plan(path)
    assert (spike.device, spike.kind, spike.metric) == ("t-0001", "spike", "temperature")
    assert (spike.start_s, spike.duration_s, spike.size) == (20, 5, 80)
    assert (drift.metric, drift.size) == ("current", 2.5)
    assert dropout.kind == SensorFaultKind.DROPOUT


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[{", "not valid JSON"),
        ({"device": "t-0001"}, "a JSON list"),
        ([{"device": "t-0001", "kind": "flood", "start_s": 0, "duration_s": 1}], "fault 1: kind"),
        ([{"device": "t-0001", "kind": "stuck", "start_s": -1, "duration_s": 1}], "start_s"),
        ([{"device": "t-0001", "kind": "stuck", "start_s": 0, "duration_s": 0}], "duration_s"),
        ([{"device": "t-0001", "kind": "spike", "start_s": 0, "duration_s": 1}], "needs a size"),
        (
            [{"device": "t-0001", "kind": "stuck", "start_s": 0, "duration_s": 1, "size": 3}],
            "no size",
        ),
        ([{"device": "t-0001", "kind": "stuck", "start_s": 0, "duration_s": 1, "x": 1}], "x"),
    ],
)
def test_a_bad_plan_says_which_fault_and_what_is_wrong(tmp_path: Path, content, reason):
    with pytest.raises(FaultSpecError, match=reason) as error:
        load_fault_plan(write_plan(tmp_path, content))
    assert "plan.json" in str(error.value)


def test_a_missing_plan_file_is_an_error(tmp_path: Path):
    with pytest.raises(FaultSpecError, match="not found"):
        load_fault_plan(tmp_path / "nowhere.json")


def test_a_plan_may_only_name_devices_and_numeric_metrics_of_the_fleet():
    with pytest.raises(FaultSpecError, match="t-0009"):
        fleet({"device": "t-0009", "kind": "stuck", "start_s": 0, "duration_s": 1})
    with pytest.raises(FaultSpecError, match="no numeric metric 'mode'"):
        fleet({"device": "t-0001", "kind": "stuck", "metric": "mode", "start_s": 0,
               "duration_s": 1})  # fmt: skip


def test_a_spike_adds_its_size_for_its_duration_only():
    plain = fleet()[0]
    spiked = fleet({"device": "t-0001", "kind": "spike", "start_s": 20, "duration_s": 5,
                    "size": 80})[0]  # fmt: skip
    for offset in (0, 19.999, 25, 40):
        assert temperature(spiked, offset) == temperature(plain, offset)
    for offset in (20, 22.5, 24.999):
        assert temperature(spiked, offset) == pytest.approx(temperature(plain, offset) + 80)


def test_a_drift_grows_by_its_size_per_minute_then_the_sensor_reads_true_again():
    plain = fleet()[1]
    drifting = fleet({"device": "t-0002", "kind": "drift", "start_s": 10, "duration_s": 120,
                      "size": 3})[1]  # fmt: skip
    assert temperature(drifting, 9) == temperature(plain, 9)
    for offset, offset_c in ((10, 0.0), (40, 1.5), (70, 3.0), (129, 5.95)):
        assert temperature(drifting, offset) == pytest.approx(
            temperature(plain, offset) + offset_c, abs=0.011
        )
    assert temperature(drifting, 130) == temperature(plain, 130)


def test_a_stuck_sensor_repeats_what_it_read_when_it_stuck():
    plain = fleet()[2]
    stuck = fleet({"device": "t-0003", "kind": "stuck", "start_s": 10, "duration_s": 30})[2]
    at_start = temperature(plain, 10)
    assert {temperature(stuck, s) for s in (10, 11, 17.5, 39.999)} == {at_start}
    assert len({temperature(plain, s) for s in (10, 11, 17.5, 39.999)}) > 1
    assert temperature(stuck, 40) == temperature(plain, 40)
    other = json.loads(stuck.message(0, START_MS + 15_000).payload)["metrics"]
    assert (
        other["pressure"]
        == json.loads(plain.message(0, START_MS + 15_000).payload)["metrics"]["pressure"]
    )


def test_a_dropout_silences_the_device_for_its_duration():
    silent = fleet({"device": "t-0001", "kind": "dropout", "start_s": 5, "duration_s": 10})[0]
    assert temperature(silent, 4.999) is not None
    assert [temperature(silent, s) for s in (5, 10, 14.999)] == [None, None, None]
    assert temperature(silent, 15) is not None


def test_the_same_plan_gives_the_same_messages_in_every_run():
    plan = {"device": "t-0001", "kind": "spike", "start_s": 1, "duration_s": 2, "size": 9}
    first, second = fleet(plan)[0], fleet(plan)[0]
    for offset_ms in range(0, 5000, 250):
        at = START_MS + offset_ms
        assert first.message(offset_ms, at).payload == second.message(offset_ms, at).payload


def test_devices_the_plan_does_not_name_are_untouched():
    plain, planned = fleet(), fleet({"device": "t-0001", "kind": "dropout", "start_s": 0,
                                     "duration_s": 60})  # fmt: skip
    for offset in (0, 30):
        assert temperature(planned[1], offset) == temperature(plain[1], offset)

import json

from iotsphere.simulator.faults import FaultPlan
from iotsphere.simulator.fleet import FleetOptions, build_fleet, failing_indexes
from iotsphere.simulator.schedule import RateSchedule
from iotsphere.simulator.simulation import run_simulation, unacked_by_device
from iotsphere.simulator.stats import write_stats

START = 1_795_000_000.0


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


class FakePublisher:
    """Acks everything except the seqs listed in ``lose``."""

    def __init__(self, clock: FakeClock, lose: frozenset[tuple[str, int]] = frozenset()) -> None:
        self.clock = clock
        self.lose = lose
        self.acked = 0
        self.refused = 0
        self.pending: dict[int, tuple[str, int]] = {}
        self.sent: list[tuple[str, bytes]] = []

    def publish(self, topic: str, payload: bytes, tag: tuple[str, int]) -> None:
        self.sent.append((topic, payload))
        self.pending[len(self.sent)] = tag

    def serve(self, timeout_s: float) -> None:
        for mid, tag in list(self.pending.items()):
            if tag not in self.lose:
                del self.pending[mid]
                self.acked += 1
        self.clock.now += max(timeout_s, 0.0001)

    def wait_for_acks(self, timeout_s: float) -> bool:
        self.serve(0)
        return not self.pending


def simulate(devices: int, count: int, plan: FaultPlan, lose=frozenset()):
    clock = FakeClock()
    fleet = build_fleet(FleetOptions(devices, seed=3, faults=plan), START)
    publisher = FakePublisher(clock, lose)
    stats = run_simulation(
        fleet, RateSchedule(devices, 50.0, START, count=count), publisher, clock=clock
    )
    publisher.wait_for_acks(1)
    stats.acked = publisher.acked
    return fleet, publisher, stats


def test_a_clean_run_sends_every_reading_once():
    _, publisher, stats = simulate(5, 20, FaultPlan())
    assert stats.published == len(publisher.sent) == 100 == publisher.acked
    assert all(log.valid == list(range(20)) for log in stats.devices.values())
    topics = {topic for topic, _ in publisher.sent}
    assert topics == {f"devices/sim-000{i}/telemetry" for i in range(1, 6)}


def test_the_stats_account_for_every_seq(tmp_path):
    plan = FaultPlan.parse("spike,stuck,dropout,malformed", 0.05, dropout_readings=(2, 5))
    fleet, publisher, stats = simulate(6, 200, plan, lose={("sim-0002", 7)})
    document = stats.document(fleet, unacked_by_device(publisher), {"elapsed_s": 1.0})
    write_stats(tmp_path / "stats.json", document)
    loaded = json.loads((tmp_path / "stats.json").read_text())
    assert loaded == json.loads(json.dumps(document))
    assert loaded["published"] == len(publisher.sent)
    assert loaded["malformed"] == sum(loaded["malformed_by_kind"].values()) > 0
    assert set(loaded["faults_started"]) == {"spike", "stuck", "dropout", "malformed"}
    for device_id, log in loaded["devices"].items():
        seqs = log["valid"] + log["malformed"] + log["dropped"]
        assert sorted(seqs) == list(range(200)), device_id
    assert loaded["devices"]["sim-0002"]["unacked"] == (
        [7] if 7 not in loaded["devices"]["sim-0002"]["dropped"] else []
    )
    sent_valid = {
        (topic.split("/")[1], json.loads(payload)["seq"])
        for topic, payload in publisher.sent
        if topic and _parses(payload)
    }
    expected_valid = {(d, s) for d, log in loaded["devices"].items() for s in log["valid"]}
    assert expected_valid <= sent_valid


def _parses(payload: bytes) -> bool:
    try:
        return isinstance(json.loads(payload)["seq"], int)
    except (ValueError, TypeError, KeyError):
        return False


def test_the_same_seed_sends_the_same_bytes():
    plan = FaultPlan.parse("spike,stuck,malformed", 0.05)
    assert simulate(3, 50, plan)[1].sent == simulate(3, 50, plan)[1].sent


def test_the_failing_share_is_exact_and_seeded():
    assert len(failing_indexes(100, 0.2, seed=1)) == 20
    assert failing_indexes(100, 0.2, seed=1) == failing_indexes(100, 0.2, seed=1)
    fleet = build_fleet(FleetOptions(10, failing_fraction=0.3), START)
    assert sum(device.failing for device in fleet) == 3

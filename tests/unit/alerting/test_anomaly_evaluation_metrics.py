"""The event-wise measures of tests/bench/eval_anomaly_ucr.py, on series small enough to count."""

from tests.bench.eval_anomaly_ucr import assess, runs


def test_runs_are_first_and_last_index_of_each_stretch_of_ones():
    assert runs([0, 1, 1, 0, 1]) == [(1, 2), (4, 4)]
    assert runs([0, 0]) == []


def test_an_alarm_inside_the_tolerance_after_an_event_detects_it_with_its_delay():
    labels = [0, 0, 1, 1, 0, 0, 0, 0, 0, 0]
    alarms = [0, 0, 0, 0, 0, 1, 1, 0, 0, 1]
    found = assess(labels, alarms, tolerance=3)
    assert (found["events"], found["detected"], found["delay_points"]) == (1, 1, [3])
    assert (found["episodes"], found["precision"]) == (2, 0.5)
    assert found["false_per_10k"] == 1000.0  # one false episode in 10 points


def test_an_alarm_past_the_tolerance_is_a_miss_and_a_false_alarm():
    found = assess([1, 0, 0, 0, 0], [0, 0, 0, 1, 0], tolerance=1)
    assert (found["recall"], found["precision"], found["delay_points"]) == (0.0, 0.0, [])

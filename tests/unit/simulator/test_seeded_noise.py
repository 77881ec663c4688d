import statistics

import pytest

from iotsphere.simulator.seeded_noise import standard_normals, uniform


def test_the_same_key_gives_the_same_draws():
    assert standard_normals(7, 1_790_000_000_123, 6) == standard_normals(7, 1_790_000_000_123, 6)
    assert uniform(7, 42) == uniform(7, 42)


def test_a_different_seed_or_time_gives_different_draws():
    base = standard_normals(7, 1_000, 4)
    assert standard_normals(8, 1_000, 4) != base
    assert standard_normals(7, 1_001, 4) != base


def test_as_many_draws_as_asked_for():
    assert len(standard_normals(1, 2, 0)) == 0
    assert len(standard_normals(1, 2, 3)) == 3
    assert len(standard_normals(1, 2, 17)) == 17


def test_uniforms_fall_in_the_unit_interval_and_spread_over_it():
    draws = [uniform(3, key) for key in range(5_000)]
    assert all(0.0 <= draw < 1.0 for draw in draws)
    assert statistics.fmean(draws) == pytest.approx(0.5, abs=0.02)
    assert sum(draw < 0.1 for draw in draws) == pytest.approx(500, abs=80)


def test_normals_have_mean_zero_and_unit_spread():
    draws = [value for key in range(2_000) for value in standard_normals(11, key, 5)]
    assert statistics.fmean(draws) == pytest.approx(0.0, abs=0.03)
    assert statistics.pstdev(draws) == pytest.approx(1.0, abs=0.03)
    assert sum(abs(value) > 1.96 for value in draws) / len(draws) == pytest.approx(0.05, abs=0.01)

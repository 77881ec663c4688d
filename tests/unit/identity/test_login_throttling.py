from datetime import timedelta

import pytest

from iotsphere.services.identity.errors import AuthenticationError, ThrottledError
from iotsphere.services.identity.sessions import login
from tests.unit.identity.conftest import NOW, PASSWORD, add_user

WRONG = "not the password"


def fail(ports, email, address, at, times=1):
    for _ in range(times):
        with pytest.raises(AuthenticationError):
            login(email, WRONG, address, ports, at)


def test_an_account_is_locked_after_five_failures_in_fifteen_minutes(ports, admin):
    for minute in range(5):
        fail(ports, admin.email, f"10.0.0.{minute}", NOW + timedelta(minutes=minute))
    with pytest.raises(ThrottledError) as refused:
        login(admin.email, PASSWORD, "10.0.0.99", ports, NOW + timedelta(minutes=5))
    assert refused.value.retry_after_s == 10 * 60  # when the first failure leaves the window


def test_the_lock_ends_when_the_oldest_failures_leave_the_window(ports, admin):
    fail(ports, admin.email, "10.0.0.1", NOW, times=5)
    with pytest.raises(ThrottledError):
        login(admin.email, PASSWORD, "10.0.0.1", ports, NOW + timedelta(minutes=14, seconds=59))
    assert login(admin.email, PASSWORD, "10.0.0.1", ports, NOW + timedelta(minutes=15))


def test_a_refused_attempt_does_not_extend_the_lock(ports, admin):
    fail(ports, admin.email, "10.0.0.1", NOW, times=5)
    for minute in range(1, 15):
        with pytest.raises(ThrottledError):
            login(admin.email, WRONG, "10.0.0.1", ports, NOW + timedelta(minutes=minute))
    assert login(admin.email, PASSWORD, "10.0.0.1", ports, NOW + timedelta(minutes=15))


def test_failures_spread_beyond_the_window_never_lock(ports, admin):
    for step in range(12):
        fail(ports, admin.email, "10.0.0.1", NOW + timedelta(minutes=4 * step))
    assert login(admin.email, PASSWORD, "10.0.0.1", ports, NOW + timedelta(minutes=48))


def test_a_success_clears_the_account_failures(ports, admin):
    fail(ports, admin.email, "10.0.0.1", NOW, times=4)
    login(admin.email, PASSWORD, "10.0.0.1", ports, NOW)
    fail(ports, admin.email, "10.0.0.1", NOW, times=4)
    assert login(admin.email, PASSWORD, "10.0.0.1", ports, NOW)


def test_one_address_trying_many_accounts_is_throttled(ports, org):
    users = [add_user(ports, org, f"u{i}@acme.test") for i in range(6)]
    for user in users[:5]:
        fail(ports, user.email, "203.0.113.9", NOW, times=4)
    with pytest.raises(ThrottledError) as refused:
        login(users[5].email, PASSWORD, "203.0.113.9", ports, NOW + timedelta(minutes=1))
    assert refused.value.retry_after_s == 14 * 60
    assert login(users[5].email, PASSWORD, "198.51.100.1", ports, NOW + timedelta(minutes=1))


def test_unknown_accounts_count_against_the_address_too(ports, admin):
    for i in range(20):
        fail(ports, f"guess{i}@acme.test", "203.0.113.9", NOW)
    with pytest.raises(ThrottledError):
        login(admin.email, PASSWORD, "203.0.113.9", ports, NOW)


def test_a_locked_account_does_not_check_the_password(ports, admin):
    fail(ports, admin.email, "10.0.0.1", NOW, times=5)
    verified = ports.hasher.verified
    with pytest.raises(ThrottledError):
        login(admin.email, PASSWORD, "10.0.0.1", ports, NOW)
    assert ports.hasher.verified == verified

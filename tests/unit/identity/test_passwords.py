from datetime import timedelta

import pytest

from iotsphere.domain.identity.requests import PasswordChange
from iotsphere.services.identity.authentication import authenticate
from iotsphere.services.identity.errors import (
    AuthenticationError,
    ForbiddenError,
    InvalidInputError,
    ThrottledError,
)
from iotsphere.services.identity.passwords import change_password
from iotsphere.services.identity.sessions import login, refresh
from tests.unit.identity.conftest import NOW, PASSWORD

NEW = "a new and longer passphrase"


def signed_in(ports, user, address="192.0.2.1"):
    pair = login(user.email, PASSWORD, address, ports, NOW)
    return pair, authenticate(f"Bearer {pair.access_token}", ports, NOW, address)


def test_a_password_change_ends_every_session_and_opens_a_new_one(ports, admin):
    other_device, _ = signed_in(ports, admin)
    this_device, principal = signed_in(ports, admin)
    fresh = change_password(
        principal, PasswordChange(current_password=PASSWORD, new_password=NEW), ports, NOW
    )
    for old in (other_device, this_device):
        with pytest.raises(AuthenticationError):
            refresh(old.refresh_token, None, ports, NOW)
        with pytest.raises(AuthenticationError):
            authenticate(f"Bearer {old.access_token}", ports, NOW + timedelta(seconds=60))
    assert authenticate(f"Bearer {fresh.access_token}", ports, NOW).subject_id == admin.id
    with pytest.raises(AuthenticationError):
        login(admin.email, PASSWORD, None, ports, NOW)
    assert login(admin.email, NEW, None, ports, NOW)
    assert "user.change_password" in ports.audit.actions()


def test_the_current_password_must_be_right_and_wrong_ones_are_throttled(ports, admin):
    _, principal = signed_in(ports, admin)
    change = PasswordChange(current_password="not it at all", new_password=NEW)
    for _ in range(5):
        with pytest.raises(AuthenticationError, match="current password is wrong"):
            change_password(principal, change, ports, NOW)
    right = PasswordChange(current_password=PASSWORD, new_password=NEW)
    with pytest.raises(ThrottledError):
        change_password(principal, right, ports, NOW)


def test_the_new_password_must_differ(ports, admin):
    _, principal = signed_in(ports, admin)
    with pytest.raises(InvalidInputError) as refused:
        change_password(
            principal, PasswordChange(current_password=PASSWORD, new_password=PASSWORD), ports, NOW
        )
    assert refused.value.field == "new_password"


def test_an_api_key_has_no_password_to_change(ports, admin):
    _, principal = signed_in(ports, admin)
    as_key = principal.model_copy(update={"kind": "api_key", "session_id": None})
    with pytest.raises(ForbiddenError):
        change_password(
            as_key, PasswordChange(current_password=PASSWORD, new_password=NEW), ports, NOW
        )

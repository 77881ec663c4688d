import pytest

from iotsphere.services.identity.authentication import authenticate
from iotsphere.services.identity.errors import AuthenticationError, NotFoundError
from iotsphere.services.identity.sessions import list_sessions, login, refresh, revoke_session
from tests.unit.identity.conftest import NOW, PASSWORD


def sign_in(ports, user, address):
    pair = login(user.email, PASSWORD, address, ports, NOW)
    return pair, authenticate(f"Bearer {pair.access_token}", ports, NOW, address)


def test_a_user_sees_their_open_sessions_and_ends_one(ports, admin):
    phone, _ = sign_in(ports, admin, "198.51.100.1")
    _, laptop = sign_in(ports, admin, "198.51.100.2")
    listed = list_sessions(laptop, ports, NOW)
    assert sorted(s.client_address for s in listed) == ["198.51.100.1", "198.51.100.2"]
    phone_session = next(s for s in listed if s.client_address == "198.51.100.1")
    revoke_session(laptop, phone_session.id, ports, NOW)
    with pytest.raises(AuthenticationError):
        refresh(phone.refresh_token, None, ports, NOW)
    assert [s.id for s in list_sessions(laptop, ports, NOW)] == [laptop.session_id]
    assert ports.audit.actions()[-1] == "session.revoke"


def test_another_users_session_does_not_exist_for_the_caller(ports, admin, viewer):
    _, theirs = sign_in(ports, viewer, "198.51.100.3")
    _, mine = sign_in(ports, admin, "198.51.100.4")
    with pytest.raises(NotFoundError):
        revoke_session(mine, theirs.session_id, ports, NOW)
    assert ports.sessions.items[theirs.session_id].revoked_at is None

from datetime import timedelta

import pytest

from iotsphere.services.identity.authentication import authenticate
from iotsphere.services.identity.errors import AuthenticationError
from iotsphere.services.identity.sessions import login, logout, refresh
from tests.unit.identity.conftest import NOW, PASSWORD

ADDRESS = "192.0.2.7"


def test_login_returns_a_short_lived_access_token_and_a_refresh_token(ports, admin):
    pair = login("Admin@ACME.test ", PASSWORD, ADDRESS, ports, NOW)
    assert pair.expires_in == 600
    assert pair.refresh_token.startswith("rt_")
    principal = authenticate(f"Bearer {pair.access_token}", ports, NOW)
    assert (principal.org_id, principal.subject_id, principal.role) == (
        admin.org_id,
        admin.id,
        admin.role,
    )


def test_only_the_hash_of_the_refresh_token_is_stored(ports, admin):
    pair = login(admin.email, PASSWORD, ADDRESS, ports, NOW)
    (stored,) = ports.refresh_tokens.items.values()
    assert pair.refresh_token not in stored.model_dump_json()


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("admin@acme.test", "wrong password!"),
        ("nobody@acme.test", PASSWORD),
        ("not an address", PASSWORD),
    ],
)
def test_a_wrong_login_says_the_same_whatever_was_wrong(ports, admin, email, password):
    with pytest.raises(AuthenticationError, match=r"^wrong e-mail address or password$"):
        login(email, password, ADDRESS, ports, NOW)


def test_an_oversized_password_is_refused_without_hashing(ports, admin):
    work = ports.hasher.hashed + ports.hasher.verified
    with pytest.raises(AuthenticationError, match=r"^wrong e-mail address or password$"):
        login(admin.email, "x" * 1_000_000, ADDRESS, ports, NOW)
    assert ports.hasher.hashed + ports.hasher.verified == work


def test_an_unknown_account_costs_a_hash_like_a_known_one(ports, admin):
    before = ports.hasher.hashed + ports.hasher.verified
    with pytest.raises(AuthenticationError):
        login("nobody@acme.test", PASSWORD, ADDRESS, ports, NOW)
    assert ports.hasher.hashed + ports.hasher.verified == before + 1


def test_logins_are_audited_with_their_outcome_and_address(ports, admin):
    with pytest.raises(AuthenticationError):
        login(admin.email, "wrong password!", ADDRESS, ports, NOW)
    login(admin.email, PASSWORD, ADDRESS, ports, NOW)
    entries = [(e.action, e.outcome, e.client_address, e.actor_id) for e in ports.audit.entries]
    assert entries == [
        ("auth.login", "failure", ADDRESS, admin.id),
        ("auth.login", "success", ADDRESS, admin.id),
    ]


def test_a_password_hash_from_an_older_scheme_is_replaced_at_login(ports, admin):
    ports.users.save(admin.model_copy(update={"password_hash": "old$" + PASSWORD}))
    ports.hasher.verify = lambda stored, given: stored == "old$" + given
    login(admin.email, PASSWORD, ADDRESS, ports, NOW)
    assert ports.users.get(admin.org_id, admin.id).password_hash == "fake$" + PASSWORD


def test_refresh_rotates_the_refresh_token(ports, admin):
    first = login(admin.email, PASSWORD, ADDRESS, ports, NOW)
    second = refresh(first.refresh_token, ADDRESS, ports, NOW + timedelta(minutes=9))
    assert second.refresh_token != first.refresh_token
    third = refresh(second.refresh_token, ADDRESS, ports, NOW + timedelta(minutes=18))
    principal = authenticate(f"Bearer {third.access_token}", ports, NOW + timedelta(minutes=19))
    assert principal.subject_id == admin.id


def test_a_replayed_refresh_token_revokes_its_whole_session(ports, admin):
    first = login(admin.email, PASSWORD, ADDRESS, ports, NOW)
    second = refresh(first.refresh_token, ADDRESS, ports, NOW + timedelta(minutes=1))
    with pytest.raises(AuthenticationError, match="used before; the session is revoked"):
        refresh(first.refresh_token, "203.0.113.66", ports, NOW + timedelta(minutes=2))
    with pytest.raises(AuthenticationError, match="session has ended"):
        refresh(second.refresh_token, ADDRESS, ports, NOW + timedelta(minutes=3))
    (session,) = ports.sessions.items.values()
    assert session.revoked_reason == "refresh_reuse"
    assert ports.audit.entries[-1].action == "session.reuse_detected"
    assert ports.audit.entries[-1].client_address == "203.0.113.66"


def test_a_replay_revokes_only_its_own_session(ports, admin):
    phone = login(admin.email, PASSWORD, ADDRESS, ports, NOW)
    laptop = login(admin.email, PASSWORD, ADDRESS, ports, NOW)
    refresh(phone.refresh_token, ADDRESS, ports, NOW)
    with pytest.raises(AuthenticationError):
        refresh(phone.refresh_token, ADDRESS, ports, NOW)
    assert refresh(laptop.refresh_token, ADDRESS, ports, NOW).refresh_token


def test_losing_a_race_to_use_a_refresh_token_counts_as_reuse(ports, admin):
    pair = login(admin.email, PASSWORD, ADDRESS, ports, NOW)
    ports.refresh_tokens.mark_used = lambda token_id, at: False
    with pytest.raises(AuthenticationError, match="used before"):
        refresh(pair.refresh_token, ADDRESS, ports, NOW)


@pytest.mark.parametrize("token", ["", "rt_unknown", "garbage", "rt_" + "x" * 43])
def test_an_unknown_refresh_token_is_refused(ports, admin, token):
    with pytest.raises(AuthenticationError, match="unknown refresh token"):
        refresh(token, ADDRESS, ports, NOW)


def test_a_refresh_token_expires(ports, admin):
    pair = login(admin.email, PASSWORD, ADDRESS, ports, NOW)
    late = NOW + ports.policy.refresh_ttl
    with pytest.raises(AuthenticationError, match="has expired"):
        refresh(pair.refresh_token, ADDRESS, ports, late)


def test_a_session_ends_at_its_maximum_age_however_often_it_is_refreshed(ports, admin):
    pair = login(admin.email, PASSWORD, ADDRESS, ports, NOW)
    at = NOW
    while at + timedelta(days=10) < NOW + ports.policy.session_max_age:
        at += timedelta(days=10)
        pair = refresh(pair.refresh_token, ADDRESS, ports, at)
    assert at + timedelta(seconds=pair.refresh_expires_in) == NOW + ports.policy.session_max_age
    with pytest.raises(AuthenticationError, match="session has ended"):
        refresh(pair.refresh_token, ADDRESS, ports, NOW + ports.policy.session_max_age)


def test_logout_revokes_the_refresh_tokens_of_the_session(ports, admin):
    pair = login(admin.email, PASSWORD, ADDRESS, ports, NOW)
    principal = authenticate(f"Bearer {pair.access_token}", ports, NOW, ADDRESS)
    logout(principal, ports, NOW)
    with pytest.raises(AuthenticationError, match="session has ended"):
        refresh(pair.refresh_token, ADDRESS, ports, NOW)
    assert ports.audit.actions()[-1] == "session.logout"


def test_a_refresh_of_a_removed_user_is_refused(ports, admin):
    pair = login(admin.email, PASSWORD, ADDRESS, ports, NOW)
    ports.users.remove(admin.org_id, admin.id)
    with pytest.raises(AuthenticationError, match="session has ended"):
        refresh(pair.refresh_token, ADDRESS, ports, NOW)

from dataclasses import replace
from datetime import timedelta

import pytest

from iotsphere.domain.identity.roles import Role
from iotsphere.services.identity.authentication import authenticate
from iotsphere.services.identity.errors import AuthenticationError
from iotsphere.services.identity.recent import RecentLookups
from iotsphere.services.identity.sessions import login, logout
from tests.unit.identity.conftest import NOW, PASSWORD

CONTRACT = timedelta(seconds=60)


def bearer(ports, user, at=NOW) -> str:
    return "Bearer " + login(user.email, PASSWORD, "192.0.2.1", ports, at).access_token


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "an Authorization header is required"),
        ("", "an Authorization header is required"),
        ("Bearer", "must read"),
        ("Bearer " + "x" * 5000, "must read"),
        ("Basic YWRtaW46YWRtaW4=", "unknown authorization scheme 'Basic'"),
        ("Bearer not-a-token", "not valid"),
        ("ApiKey isk_nope", "unknown or revoked API key"),
        ("ApiKey rt_nope", "unknown or revoked API key"),
    ],
)
def test_a_missing_or_bad_credential_is_refused_with_the_reason(ports, header, message):
    with pytest.raises(AuthenticationError, match=message):
        authenticate(header, ports, NOW)


def test_the_scheme_is_case_insensitive_and_the_address_is_kept(ports, admin):
    header = bearer(ports, admin).replace("Bearer", "bearer")
    principal = authenticate(header, ports, NOW, client_address="198.51.100.4")
    assert principal.kind == "user"
    assert principal.client_address == "198.51.100.4"
    assert principal.session_id is not None


def test_an_access_token_expires_after_its_lifetime(ports, admin):
    header = bearer(ports, admin)
    authenticate(header, ports, NOW + ports.policy.access_ttl - timedelta(seconds=1))
    with pytest.raises(AuthenticationError, match="expired"):
        authenticate(header, ports, NOW + ports.policy.access_ttl)


def test_a_logged_out_access_token_stops_working_in_another_process_within_60_s(ports, admin):
    header = bearer(ports, admin)
    authenticate(header, ports, NOW)  # this process has now seen the session
    ports_b = replace(ports, recent=RecentLookups())  # same stores, its own memory
    logout(authenticate(header, ports_b, NOW), ports_b, NOW)
    with pytest.raises(AuthenticationError, match="session has ended"):
        authenticate(header, ports_b, NOW)
    authenticate(header, ports, NOW + timedelta(seconds=1))  # still trusted for a moment here
    with pytest.raises(AuthenticationError, match="session has ended"):
        authenticate(header, ports, NOW + CONTRACT)


def test_a_role_change_applies_to_live_tokens_within_60_s(ports, admin):
    header = bearer(ports, admin)
    assert authenticate(header, ports, NOW).role is Role.ADMIN
    ports.users.save(ports.users.get(admin.org_id, admin.id).model_copy(update={"role": "viewer"}))
    assert authenticate(header, ports, NOW + CONTRACT).role is Role.VIEWER


def test_a_removed_user_is_refused_within_60_s(ports, admin):
    header = bearer(ports, admin)
    authenticate(header, ports, NOW)
    ports.users.remove(admin.org_id, admin.id)
    with pytest.raises(AuthenticationError):
        authenticate(header, ports, NOW + CONTRACT)


def test_a_token_whose_session_belongs_to_someone_else_is_refused(ports, admin, viewer):
    login(viewer.email, PASSWORD, None, ports, NOW)
    viewer_session = next(s for s in ports.sessions.items.values() if s.user_id == viewer.id)
    forged = ports.tokens.decode(bearer(ports, admin).removeprefix("Bearer "))
    forged = forged.model_copy(update={"sid": viewer_session.id})
    with pytest.raises(AuthenticationError, match="session has ended"):
        authenticate("Bearer " + ports.tokens.encode(forged), ports, NOW)


def test_a_token_naming_another_organization_is_refused(ports, admin):
    claims = ports.tokens.decode(bearer(ports, admin).removeprefix("Bearer "))
    moved = claims.model_copy(update={"org": "0000000000000other"})
    with pytest.raises(AuthenticationError):
        authenticate("Bearer " + ports.tokens.encode(moved), ports, NOW)

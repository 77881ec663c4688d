"""The argon2id hasher and the JWT codec (libraries only, no network)."""

import base64
import json

import jwt
import pytest

from iotsphere.adapters.argon2_password_hasher import Argon2PasswordHasher
from iotsphere.adapters.jwt_token_codec import JwtTokenCodec
from iotsphere.domain.identity.sessions import AccessClaims
from iotsphere.services.identity.errors import AuthenticationError

SECRET = "s" * 32
CLAIMS = AccessClaims(sub="u1", org="o1", sid="s1", iat=1_800_000_000, exp=1_800_000_600, jti="j")


@pytest.fixture
def hasher():
    return Argon2PasswordHasher(time_cost=1, memory_cost_kib=8, parallelism=1)


def test_argon2id_hashes_are_salted_and_verify(hasher):
    first, second = hasher.hash("correct horse"), hasher.hash("correct horse")
    assert first.startswith("$argon2id$")
    assert first != second
    assert hasher.verify(first, "correct horse")
    assert not hasher.verify(first, "correct horsE")


@pytest.mark.parametrize("stored", ["", "plain", "$argon2id$v=19$garbage"])
def test_an_unreadable_hash_never_verifies_and_wants_a_rehash(hasher, stored):
    assert not hasher.verify(stored, "anything")
    assert hasher.needs_rehash(stored)


def test_stronger_parameters_ask_for_a_rehash(hasher):
    weak = hasher.hash("pw")
    assert not hasher.needs_rehash(weak)
    assert Argon2PasswordHasher(time_cost=2, memory_cost_kib=8, parallelism=1).needs_rehash(weak)


def test_claims_survive_a_round_trip_whatever_the_clock():
    codec = JwtTokenCodec(SECRET)
    assert codec.decode(codec.encode(CLAIMS)) == CLAIMS  # expired long ago or not: not checked here


def test_a_short_secret_is_refused_and_never_shown():
    with pytest.raises(ValueError, match="at least 32 bytes"):
        JwtTokenCodec("short")
    assert SECRET not in repr(JwtTokenCodec(SECRET))


def forge(payload, key=SECRET, algorithm="HS256", headers=None):
    return jwt.encode(payload, key, algorithm=algorithm, headers=headers)


def unsigned(payload):
    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


GOOD = {**CLAIMS.model_dump(), "iss": "iotsphere", "aud": "iotsphere-api"}


@pytest.mark.parametrize(
    "token",
    [
        forge(GOOD, key="another secret of thirty-two bytes!"),
        forge({**GOOD, "aud": "someone-else"}),
        forge({**GOOD, "iss": "someone-else"}),
        forge({k: v for k, v in GOOD.items() if k != "sid"}),
        forge(GOOD, algorithm="HS512", key=SECRET * 2),
        unsigned(GOOD),
        "not.a.jwt",
        "",
    ],
)
def test_tokens_not_signed_by_us_for_us_are_refused(token):
    with pytest.raises(AuthenticationError, match="not valid"):
        JwtTokenCodec(SECRET).decode(token)


def test_a_tampered_token_is_refused():
    token = JwtTokenCodec(SECRET).encode(CLAIMS)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "admin"
    evil = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(AuthenticationError):
        JwtTokenCodec(SECRET).decode(f"{header}.{evil}.{signature}")

"""Access tokens as JWTs signed with HS256 (PyJWT) under one secret shared by the functions.

Only HS256 is accepted (never ``none`` nor another algorithm named by the token), the issuer and
audience must be ours and every claim of ``AccessClaims`` must be there. The expiry is checked by
the service against the clock it is given. The secret is never printed, logged or returned.
"""

from __future__ import annotations

from typing import Any

import jwt
from pydantic import ValidationError

from iotsphere.domain.identity.sessions import AccessClaims
from iotsphere.services.identity.errors import AuthenticationError

ALGORITHM = "HS256"
ISSUER = "iotsphere"
AUDIENCE = "iotsphere-api"
MIN_SECRET_BYTES = 32
INVALID = "the access token is not valid"


class JwtTokenCodec:
    def __init__(self, secret: str | bytes) -> None:
        key = secret.encode() if isinstance(secret, str) else secret
        if len(key) < MIN_SECRET_BYTES:
            raise ValueError(f"the token signing secret needs at least {MIN_SECRET_BYTES} bytes")
        self._key = key

    def __repr__(self) -> str:
        return f"{type(self).__name__}(algorithm={ALGORITHM!r})"

    def encode(self, claims: AccessClaims) -> str:
        payload: dict[str, Any] = {**claims.model_dump(), "iss": ISSUER, "aud": AUDIENCE}
        return jwt.encode(payload, self._key, algorithm=ALGORITHM)

    def decode(self, token: str) -> AccessClaims:
        try:
            payload = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "require": [*AccessClaims.model_fields, "iss", "aud"],
                },
            )
            return AccessClaims.model_validate(payload)
        except (jwt.PyJWTError, ValidationError) as exc:
            raise AuthenticationError(INVALID) from exc

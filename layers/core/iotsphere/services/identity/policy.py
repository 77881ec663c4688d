"""Lifetimes and limits of the identity services; defaults are what the platform runs with."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field


class ThrottleRule(BaseModel):
    """At most ``max_failures`` failed logins per key within ``window``."""

    model_config = ConfigDict(frozen=True)

    max_failures: int = Field(ge=1)
    window: timedelta


class IdentityPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    access_ttl: timedelta = timedelta(minutes=10)
    refresh_ttl: timedelta = timedelta(days=14)
    session_max_age: timedelta = timedelta(days=30)
    invitation_ttl: timedelta = timedelta(days=7)
    # How long a process trusts what it last read of a user, session or key: a revocation or a
    # role change reaches every process within this time (the contract is 60 s).
    recheck_after: timedelta = timedelta(seconds=30)
    # A key's last use is written at most this often, not on every request.
    last_used_resolution: timedelta = timedelta(minutes=1)
    per_account: ThrottleRule = ThrottleRule(max_failures=5, window=timedelta(minutes=15))
    per_address: ThrottleRule = ThrottleRule(max_failures=20, window=timedelta(minutes=15))

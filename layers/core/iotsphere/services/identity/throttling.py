"""Login throttling: a rolling window of failed attempts per account and per client address.

An attempt is refused before its password is checked once a key has ``max_failures`` failures
within ``window``; it may try again when enough of them have aged out. Refused attempts do not
count, so waiting always ends a lock.
"""

from __future__ import annotations

import math
from datetime import datetime

from iotsphere.services.identity.errors import ThrottledError
from iotsphere.services.identity.policy import ThrottleRule
from iotsphere.services.identity.ports import IdentityPorts, LoginAttemptStore


def account_key(email: str) -> str:
    return f"account:{email}"


def address_key(client_address: str | None) -> str:
    return f"address:{client_address or 'unknown'}"


def retry_after(
    store: LoginAttemptStore, key: str, rule: ThrottleRule, now: datetime
) -> int | None:
    """Seconds until ``key`` may try again, or None if it may now."""
    failures = store.failures_since(key, now - rule.window)
    if len(failures) < rule.max_failures:
        return None
    frees_at = failures[-rule.max_failures] + rule.window
    return max(1, math.ceil((frees_at - now).total_seconds()))


def check_login_allowed(
    email: str, client_address: str | None, ports: IdentityPorts, now: datetime
) -> None:
    policy = ports.policy
    waits = [
        retry_after(ports.login_attempts, account_key(email), policy.per_account, now),
        retry_after(ports.login_attempts, address_key(client_address), policy.per_address, now),
    ]
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        raise ThrottledError(f"too many failed logins; try again in {wait} s", wait)


def record_login_failure(
    email: str, client_address: str | None, ports: IdentityPorts, now: datetime
) -> None:
    ports.login_attempts.record_failure(account_key(email), now)
    ports.login_attempts.record_failure(address_key(client_address), now)

"""What one process read lately of users and sessions, trusted for ``recheck_after``.

A warm function serves many requests; this spares a read per request while keeping the delay of
a revocation or a role change bounded. A process forgets what it changed itself at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_ENTRIES = 10_000


class RecentLookups:
    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[datetime, object]] = {}

    def get(self, kind: str, key: str, now: datetime, max_age: timedelta) -> object | None:
        found = self._entries.get((kind, key))
        if found is None:
            return None
        read_at, value = found
        if not read_at <= now < read_at + max_age:
            self._entries.pop((kind, key), None)
            return None
        return value

    def put(self, kind: str, key: str, value: object, now: datetime) -> None:
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[(kind, key)] = (now, value)

    def forget(self, kind: str, key: str) -> None:
        self._entries.pop((kind, key), None)

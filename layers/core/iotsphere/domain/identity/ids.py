"""Record ids: the creation time in hex milliseconds, then 48 random bits.

Ids sort by creation time, so an id serves as a pagination cursor and the newest come last.
"""

from __future__ import annotations

import secrets
from datetime import datetime


def new_id(now: datetime) -> str:
    return f"{int(now.timestamp() * 1000):011x}{secrets.token_hex(6)}"

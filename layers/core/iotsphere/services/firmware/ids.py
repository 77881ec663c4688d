"""How release and rollout ids look (a path parameter of another shape is a 400), and new ones."""

from __future__ import annotations

import secrets

RELEASE_ID_PATTERN = r"^rel-[0-9a-f]{24}$"  # see ``release_id_of``
ROLLOUT_ID_PATTERN = r"^ro-[0-9a-f]{24}$"


def new_rollout_id() -> str:
    return f"ro-{secrets.token_hex(12)}"

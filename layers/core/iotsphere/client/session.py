"""Where the CLI keeps its sign-in: one JSON file readable by its owner only."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from iotsphere.adapters.private_file import write_private_file

DEFAULT_FILE = Path.home() / ".config" / "iotsphere" / "session.json"
DEFAULT_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Session:
    base_url: str = DEFAULT_URL
    access_token: str = ""
    refresh_token: str = ""

    def with_tokens(self, access_token: str, refresh_token: str) -> Session:
        return replace(self, access_token=access_token, refresh_token=refresh_token)


class SessionStore:
    def __init__(self, file: Path = DEFAULT_FILE) -> None:
        self.file = file

    def load(self) -> Session:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Session()
        except (OSError, ValueError):
            return Session()
        return Session(
            base_url=str(data.get("base_url") or DEFAULT_URL),
            access_token=str(data.get("access_token") or ""),
            refresh_token=str(data.get("refresh_token") or ""),
        )

    def save(self, session: Session) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_private_file(self.file, json.dumps(session.__dict__))

    def clear(self) -> None:
        self.file.unlink(missing_ok=True)

"""Semantic versions (semver.org 2.0) and their precedence, for anti-rollback.

Build metadata (``+...``) is ignored by precedence; a pre-release sorts before its release
(``2.0.0-rc.1 < 2.0.0``). Leading zeros are refused so one version has one spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

from iotsphere.domain.firmware.errors import InvalidVersionError

_NUMBER = r"0|[1-9]\d{0,8}"
_IDENT = r"[0-9A-Za-z-]+"
SEMVER = re.compile(
    rf"^(?P<major>{_NUMBER})\.(?P<minor>{_NUMBER})\.(?P<patch>{_NUMBER})"
    rf"(?:-(?P<pre>{_IDENT}(?:\.{_IDENT})*))?(?:\+(?P<build>{_IDENT}(?:\.{_IDENT})*))?$"
)
MAX_LENGTH = 64


@total_ordering
@dataclass(frozen=True)
class SemVer:
    major: int
    minor: int
    patch: int
    pre: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> SemVer:
        match = SEMVER.fullmatch(text) if len(text) <= MAX_LENGTH else None
        if match is None:
            raise InvalidVersionError(
                f"version {text[:80]!r} is not a semantic version such as 1.4.2 or 2.0.0-rc.1"
            )
        pre = tuple(match["pre"].split(".")) if match["pre"] else ()
        for part in pre:
            if part.isdigit() and part != "0" and part.startswith("0"):
                raise InvalidVersionError(
                    f"version {text!r}: numeric pre-release {part!r} has a leading zero"
                )
        return cls(int(match["major"]), int(match["minor"]), int(match["patch"]), pre)

    def _key(self) -> tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]:
        # A release (no pre-release) sorts after every pre-release of the same number.
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.pre)
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, pre)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, SemVer):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return f"{core}-{'.'.join(self.pre)}" if self.pre else core


def validate_version(text: str) -> str:
    """The version unchanged when it parses (for pydantic validators, which want ValueError)."""
    try:
        SemVer.parse(text)
    except InvalidVersionError as exc:
        raise ValueError(str(exc)) from exc
    return text

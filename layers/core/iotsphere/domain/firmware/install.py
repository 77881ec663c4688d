"""The install the device agent drives after an update was verified.

    installing ──installed──▶ health_checking ──passed──▶ committed
        │                          │
        └──install failed──────────┴──failed / timed out──▶ rolled_back

Until it is committed the device runs, and reports, the version it had before; a rollback returns
to it. Every move returns a new ``InstallAttempt``: nothing is changed in place.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from iotsphere.domain.firmware.errors import InvalidTransitionError

DEFAULT_HEALTH_WINDOW = timedelta(minutes=5)


class InstallState(StrEnum):
    INSTALLING = "installing"
    HEALTH_CHECKING = "health_checking"
    COMMITTED = "committed"
    ROLLED_BACK = "rolled_back"


class InstallAttempt(BaseModel):
    model_config = ConfigDict(frozen=True)

    release_id: str
    from_version: str
    to_version: str
    state: InstallState = InstallState.INSTALLING
    health_deadline: datetime | None = None
    reason: str | None = None

    @property
    def running_version(self) -> str:
        return self.to_version if self.state is InstallState.COMMITTED else self.from_version

    @property
    def finished(self) -> bool:
        return self.state in (InstallState.COMMITTED, InstallState.ROLLED_BACK)

    def _expect(self, state: InstallState, move: str) -> None:
        if self.state is not state:
            raise InvalidTransitionError(f"cannot {move} while {self.state.value}")

    def installed(self, now: datetime, window: timedelta = DEFAULT_HEALTH_WINDOW) -> InstallAttempt:
        """The new image is written and booted: start the health check."""
        self._expect(InstallState.INSTALLING, "finish installing")
        return self.model_copy(
            update={"state": InstallState.HEALTH_CHECKING, "health_deadline": now + window}
        )

    def install_failed(self, reason: str) -> InstallAttempt:
        self._expect(InstallState.INSTALLING, "fail installing")
        return self._rolled_back(f"install failed: {reason}")

    def health_passed(self, now: datetime) -> InstallAttempt:
        self._expect(InstallState.HEALTH_CHECKING, "pass the health check")
        if self.health_deadline is not None and now > self.health_deadline:
            return self._rolled_back("health check passed after its deadline")
        return self.model_copy(update={"state": InstallState.COMMITTED})

    def health_failed(self, reason: str) -> InstallAttempt:
        self._expect(InstallState.HEALTH_CHECKING, "fail the health check")
        return self._rolled_back(f"health check failed: {reason}")

    def check_deadline(self, now: datetime) -> InstallAttempt:
        """Rolled back if the health check has not passed by its deadline; unchanged otherwise."""
        if (
            self.state is InstallState.HEALTH_CHECKING
            and self.health_deadline is not None
            and now > self.health_deadline
        ):
            return self._rolled_back("health check timed out")
        return self

    def _rolled_back(self, reason: str) -> InstallAttempt:
        return self.model_copy(update={"state": InstallState.ROLLED_BACK, "reason": reason})

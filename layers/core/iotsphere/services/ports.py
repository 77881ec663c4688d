"""What the services need from the outside world; adapters implement these, fakes in tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from iotsphere.domain.quarantine import QuarantinedMessage
from iotsphere.domain.telemetry import Reading
from iotsphere.domain.telemetry_query import DevicesSeriesQuery, SeriesPoint, TelemetryQuery


class TelemetryStore(Protocol):
    def write(self, readings: Sequence[Reading]) -> list[tuple[Reading, str]]:
        """Store readings in one batch; return those the store refused, each with the reason.

        Raises ``StoreUnavailableError`` when nothing could be written and a retry may succeed.
        """

    def query(self, query: TelemetryQuery) -> list[SeriesPoint]:
        """Points of one metric of one device, newest first."""

    def series(self, query: DevicesSeriesQuery) -> dict[str, list[SeriesPoint]]:
        """Points of one metric of each of many devices, newest first (devices with none are
        left out)."""


class QuarantineStore(Protocol):
    def put(self, messages: Sequence[QuarantinedMessage]) -> None:
        """Keep refused messages; storing the same id twice keeps one."""

    def list(self, device_id: str | None = None, limit: int = 100) -> list[QuarantinedMessage]:
        """Newest first."""


class MessagePublisher(Protocol):
    def publish(self, bodies: Sequence[str]) -> None:
        """Send bodies to a queue; raise ``StoreUnavailableError`` if any was not accepted."""

"""Watches InfluxDB for the benchmark's readings becoming queryable and records their latency.

Polled every 0.1 s, each poll asks, per device, for the newest stored sequence number and its
device timestamp.
Readings (previous, newest] of a device became queryable at this poll; each one's latency is the
poll time minus its device timestamp, which the simulator sets to when the reading was due (one
every ``period_ms`` per device): a publisher falling behind makes latency, as a real fleet would.
Each poll scans only readings stamped after the oldest "newest reading seen" of any device (every
device's newest reading is in that range), so in steady state it reads a fraction of a second of
data: a fixed window of the last 20 s made the probe itself a load on the InfluxDB it measures (a
million points scanned a second at 5,000/s), and a fixed short window would lose sight of a path
that fell further behind than the window. The resolution is the poll interval.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from influxdb import InfluxDBClient


@dataclass
class LatencyProbe:
    client: InfluxDBClient
    prefix: str
    period_ms: float
    devices: int
    seen: dict[str, int] = field(default_factory=dict)
    newest_ts_ms: dict[str, float] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    worst_by_second: dict[int, float] = field(default_factory=dict)

    def _scan_from_ms(self) -> int:
        """Readings older than this are behind every device's newest one already seen."""
        if len(self.newest_ts_ms) < self.devices:
            return int(self.started * 1000) - 60_000  # someone not seen yet: from the start
        return int(min(self.newest_ts_ms.values()))

    def poll(self) -> int:
        """One look; returns how many readings became queryable since the last one."""
        assert self.prefix.isalnum()
        result = self.client.query(
            f'SELECT last("seq") FROM telemetry WHERE device_id =~ /^{self.prefix}-/ '  # noqa: S608
            f"AND time >= {self._scan_from_ms()}ms GROUP BY device_id",
            epoch="ms",
        )
        now_ms = time.time() * 1000
        fresh = 0
        for (_, tags), points in result.items():
            device = tags["device_id"]
            point = next(iter(points))
            newest, newest_ts = int(point["last"]), float(point["time"])
            for seq in range(self.seen.get(device, -1) + 1, newest + 1):
                due = newest_ts - (newest - seq) * self.period_ms
                self.latencies_ms.append(now_ms - due)
                second = int(now_ms / 1000 - self.started)
                self.worst_by_second[second] = max(
                    self.worst_by_second.get(second, 0.0), now_ms - due
                )
                fresh += 1
            if newest > self.seen.get(device, -1):
                self.seen[device] = newest
                self.newest_ts_ms[device] = newest_ts
        return fresh

    def slow_seconds(self, above_ms: float) -> list[tuple[int, float]]:
        """The seconds of the run (from the probe's start) in which a reading became queryable
        later than ``above_ms``, with the worst latency of each: when the tail happened."""
        return [
            (second, round(worst))
            for second, worst in sorted(self.worst_by_second.items())
            if worst > above_ms
        ]

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

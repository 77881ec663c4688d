"""Watches InfluxDB for the benchmark's readings becoming queryable and records their latency.

Polled every 0.1 s, each poll asks, per device, for the newest stored sequence number and its
device timestamp.
Readings (previous, newest] of a device became queryable at this poll; each one's latency is the
poll time minus its device timestamp, which the simulator sets to when the reading was due (one
every ``period_ms`` per device): a publisher falling behind makes latency, as a real fleet would.
Only readings stamped in the last 5 s are looked at: each poll scans them all in InfluxDB, so a
wider window made the probe itself a load on the machine under test (20 s at 5,000/s meant a
million points scanned a second). A reading slower than that is still counted, late, once a newer
one of its device shows up (its latency then reads high, never low); the
resolution is the poll interval.
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
    seen: dict[str, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    worst_by_second: dict[int, float] = field(default_factory=dict)

    def poll(self) -> int:
        """One look; returns how many readings became queryable since the last one."""
        assert self.prefix.isalnum()
        result = self.client.query(
            f'SELECT last("seq") FROM telemetry WHERE device_id =~ /^{self.prefix}-/ '  # noqa: S608
            "AND time > now() - 5s GROUP BY device_id",
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
            self.seen[device] = max(newest, self.seen.get(device, -1))
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

"""Watches InfluxDB for the benchmark's readings becoming queryable and records their latency.

Every poll asks, per device, for the newest sequence number stored. Readings (previous, newest]
of a device became queryable at this poll (only the last 20 s are looked at: anything slower
has failed the target anyway); latency is the poll time minus the device
timestamp, which is when it was due to be published. Resolution: the poll interval.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from influxdb import InfluxDBClient

from tests.bench.mqtt_load import scheduled_ms


@dataclass
class LatencyProbe:
    client: InfluxDBClient
    prefix: str
    devices: int
    rate: float
    start_ms: int
    seen: dict[str, int] = field(default_factory=dict)
    latencies_ms: list[int] = field(default_factory=list)

    def poll(self) -> int:
        """One look; returns how many readings became queryable since the last one."""
        assert self.prefix.isalnum()
        result = self.client.query(
            f'SELECT last("seq") FROM telemetry WHERE device_id =~ /^{self.prefix}-/ '  # noqa: S608
            "AND time > now() - 20s GROUP BY device_id"
        )
        now_ms = int(time.time() * 1000)
        fresh = 0
        for (_, tags), points in result.items():
            device = tags["device_id"]
            newest = int(next(iter(points))["last"])
            index_of_device = int(device.rsplit("-", 1)[1])
            for seq in range(self.seen.get(device, -1) + 1, newest + 1):
                due = scheduled_ms(self.start_ms, self.rate, seq * self.devices + index_of_device)
                self.latencies_ms.append(now_ms - due)
                fresh += 1
            self.seen[device] = max(newest, self.seen.get(device, -1))
        return fresh

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])

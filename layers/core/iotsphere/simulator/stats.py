"""What a run sent: counts for the summary line, per-device sequence numbers for the stats file.

The stats file lets an end-to-end test compare what was sent with what got stored: per device the
``valid`` seqs (should be stored), ``malformed`` seqs (should be refused), ``dropped`` seqs (never
sent: the device was silent) and ``unacked`` seqs (sent, no PUBACK before the
simulator gave up).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iotsphere.simulator.fleet import Outgoing, SimulatedDevice

STATS_VERSION = 1


@dataclass
class DeviceLog:
    valid: list[int] = field(default_factory=list)
    malformed: list[int] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)


@dataclass
class RunStats:
    devices: dict[str, DeviceLog] = field(default_factory=dict)
    malformed_by_kind: Counter[str] = field(default_factory=Counter)
    faults_started: Counter[str] = field(default_factory=Counter)
    published: int = 0
    acked: int = 0
    refused: int = 0  # PUBACKs with an MQTT 5 failure reason code

    def record(self, message: Outgoing) -> None:
        log = self.devices.setdefault(message.device_id, DeviceLog())
        self.faults_started.update(message.faults_started)
        if message.payload is None:
            log.dropped.append(message.seq)
            return
        self.published += 1
        if message.malformed is None:
            log.valid.append(message.seq)
        else:
            log.malformed.append(message.seq)
            self.malformed_by_kind[message.malformed] += 1

    @property
    def malformed(self) -> int:
        return self.malformed_by_kind.total()

    def summary_line(self, elapsed_s: float) -> str:
        rate = self.published / elapsed_s if elapsed_s > 0 else 0.0
        dropped = sum(len(log.dropped) for log in self.devices.values())
        return (
            f"simulate: published={self.published} acked={self.acked} refused={self.refused} "
            f"malformed={self.malformed} dropped={dropped} "
            f"elapsed={elapsed_s:.1f}s rate={rate:.0f}/s"
        )

    def document(
        self,
        fleet: list[SimulatedDevice],
        unacked: dict[str, list[int]],
        run: dict[str, Any],
    ) -> dict[str, Any]:
        """The stats file's content; ``run`` holds the options and timings of the run."""
        devices = {}
        for device in fleet:
            log = self.devices.get(device.device_id, DeviceLog())
            devices[device.device_id] = {
                "type": device.profile.device_type.name,
                "failing": device.failing,
                "valid": log.valid,
                "malformed": log.malformed,
                "dropped": log.dropped,
                "unacked": sorted(unacked.get(device.device_id, [])),
            }
        return {
            "version": STATS_VERSION,
            **run,
            "published": self.published,
            "acked": self.acked,
            "refused": self.refused,
            "malformed": self.malformed,
            "malformed_by_kind": dict(sorted(self.malformed_by_kind.items())),
            "faults_started": dict(sorted(self.faults_started.items())),
            "devices": devices,
        }


def write_stats(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
    partial.replace(path)

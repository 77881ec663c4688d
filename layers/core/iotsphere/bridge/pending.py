"""Messages the bridge holds until SQS accepts them: packed into envelopes, acked afterwards."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from iotsphere.domain.messages import EnvelopePacker


@dataclass
class Batch:
    """Envelope bodies ready for SQS, and the MQTT message ids to ack once SQS has them all."""

    bodies: list[str] = field(default_factory=list)
    mids: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.bodies)


class PendingMessages:
    """Thread-safe: the MQTT thread adds, the sender thread takes whole envelopes."""

    def __init__(self, max_envelope_bytes: int) -> None:
        self._lock = threading.Lock()
        self._packer = EnvelopePacker(max_envelope_bytes)
        self._full: Batch = Batch()
        self._open_mids: list[int] = []
        self.has_full = threading.Event()

    def add(self, mid: int, item: str) -> None:
        """Hold one message, encoded by ``encode_raw_message``, under its MQTT message id."""
        with self._lock:
            full_body = self._packer.add_encoded(item)
            if full_body is not None:
                self._full.bodies.append(full_body)
                self._full.mids.extend(self._open_mids)
                self._open_mids = []
                self.has_full.set()
            self._open_mids.append(mid)

    def take(self, *, include_open: bool) -> Batch:
        """Full envelopes, plus the one still filling when ``include_open`` (the flush timer)."""
        with self._lock:
            batch, self._full = self._full, Batch()
            if include_open:
                body = self._packer.flush()
                if body is not None:
                    batch.bodies.append(body)
                    batch.mids.extend(self._open_mids)
                    self._open_mids = []
            self.has_full.clear()
            return batch

    def __len__(self) -> int:
        with self._lock:
            return len(self._packer) + len(self._full.mids)

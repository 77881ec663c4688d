"""Sending to a queue until it accepts: the bridge never drops what a device published."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from aws_lambda_powertools import Logger

from iotsphere.services.errors import StoreUnavailableError

log = Logger(service="bridge")
MAX_DELAY_S = 5.0


def send_until_accepted(
    send: Callable[[Sequence[str]], None], bodies: Sequence[str], stop: threading.Event
) -> bool:
    """True once ``send`` took ``bodies``; False if ``stop`` was set first (nothing may be acked
    then, so the broker redelivers). Retries back off from 0.1 s to 5 s."""
    delay = 0.1
    while True:
        try:
            send(bodies)
            return True
        except StoreUnavailableError as exc:
            log.warning(
                "queue send failed; retrying", extra={"retry_in_s": delay, "error": str(exc)}
            )
            if stop.wait(delay):
                return False
            delay = min(delay * 2, MAX_DELAY_S)

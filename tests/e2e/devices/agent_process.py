"""A device agent in a process of its own, so a test can end it the way a device dies: SIGKILL
(no goodbye: the broker sends the last will) or SIGTERM (the agent says ``offline`` and leaves).

    python -m tests.e2e.devices.agent_process < package.json

Prints the session id of its connection once connected, then runs until a signal.
"""

from __future__ import annotations

import signal
import sys
import threading

from iotsphere.agent import AgentHandlers, DeviceAgent
from iotsphere.agent.paho_transport import PahoTransport
from iotsphere.domain.devices.messages import ProvisioningPackage


def main() -> int:
    package = ProvisioningPackage.model_validate_json(sys.stdin.readline())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signal, _frame: stop.set())
    agent = DeviceAgent(package, PahoTransport.of(package), AgentHandlers(), "1.0.0")
    agent.start()
    print(agent.session, flush=True)
    stop.wait()
    agent.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

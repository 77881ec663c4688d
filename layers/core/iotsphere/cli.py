"""The ``iotsphere`` command: a sub-command per module, each with ``add_arguments`` and ``run``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# sub-command -> (module with add_arguments(parser) and run(args) -> int, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "local": ("iotsphere.local.commands", "start, stop and inspect the local stack"),
    "runner": (
        "iotsphere.local.runner",
        "poll the stack's queues and fire schedules into functions",
    ),
    "invoke": ("iotsphere.local.invoke", "run one function once on a sample event"),
    "api": ("iotsphere.local.api_server", "serve the HTTP API on this machine"),
    "login": ("iotsphere.client.login", "sign in to an IoTSphere API (kept in ~/.config)"),
    "logout": ("iotsphere.client.logout", "end the signed-in session"),
    "devices": ("iotsphere.client.devices", "list devices, or onboard one and save its package"),
    "alarms": ("iotsphere.client.alarms", "follow the organization's open alarms"),
    "bridge": ("iotsphere.bridge.main", "forward device MQTT traffic into SQS"),
    "simulate": ("iotsphere.simulator.main", "publish telemetry from a simulated fleet"),
    "package": ("iotsphere.local.package", "write the AWS SAM template and deployment package"),
    "quarantine": ("iotsphere.local.quarantine", "list readings that ingest refused"),
    "alerts": (
        "iotsphere.client.alerts",
        "try an alert rule: score a CSV series, or backtest over stored history",
    ),
}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="iotsphere", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = next((arg for arg in (argv or []) if not arg.startswith("-")), None)
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        # Import only the command that runs: one broken module breaks only its own command.
        if name == chosen:
            module = importlib.import_module(module_name)
            module.add_arguments(command)
            command.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    try:
        return int(args._module.run(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

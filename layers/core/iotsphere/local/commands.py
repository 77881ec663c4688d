"""``iotsphere local up | down | status | start NAME | stop NAME``: the local stack from a shell."""

from __future__ import annotations

import argparse
import sys

from iotsphere.local.config import DEFAULT_CONFIG, StackConfigError
from iotsphere.local.errors import HealthCheckError, ProvisioningError, StackError
from iotsphere.local.home import DEFAULT_HOME
from iotsphere.local.secrets import MQTT_USERS
from iotsphere.local.stack import Stack
from iotsphere.services.identity.organizations import FIRST_ADMIN_EMAIL


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=DEFAULT_CONFIG, help="stack file (samplelocal.yml)")
    common.add_argument("--home", default=DEFAULT_HOME, help="the stack's folder (.iotsphere)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    up = actions.add_parser("up", parents=[common], help="start everything, provision resources")
    up.add_argument("--no-simulator", action="store_true", help="no simulated fleet")
    up.add_argument("--only", choices=["infra"], help="infra: only the services, no platform")
    actions.add_parser("down", parents=[common], help="stop everything `up` started")
    actions.add_parser("status", parents=[common], help="what runs, on which port")
    for action, text in (("start", "start one service"), ("stop", "stop one service")):
        one = actions.add_parser(action, parents=[common], help=text)
        one.add_argument("name", metavar="NAME", help="mosquitto, influxdb, runner, bridge, …")


def run(args: argparse.Namespace) -> int:
    try:
        stack = Stack.from_file(args.config, args.home)
        if args.action == "up":
            return _up(stack, args)
        if args.action == "down":
            if not stack.down(progress=print):
                print("nothing was running")
        elif args.action == "status":
            _status(stack)
        elif args.action == "start":
            started = stack.start(args.name, progress=print)
            print(f"{args.name} {'started' if started else 'was already running'}")
        elif args.action == "stop":
            print(f"{args.name} {'stopped' if stack.stop(args.name) else 'was not running'}")
    except (StackError, StackConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        if isinstance(exc, HealthCheckError | ProvisioningError):
            print("services already up are left running; `./dev down` stops them", file=sys.stderr)
        return 1
    return 0


def _up(stack: Stack, args: argparse.Namespace) -> int:
    only_infra = args.only == "infra"
    created = stack.up(only_infra=only_infra, simulator=not args.no_simulator, progress=print)
    for line in created:
        print(f"  - {line}")
    print(f"\nthe local stack is up (home {stack.home.root})")
    for service in stack.status():
        if service.url and service.state != "stopped":
            print(f"  {service.name:<11}{service.url}")
    print(f"  {'mqtt users':<11}{', '.join(MQTT_USERS)} (passwords in {stack.home.secrets})")
    print(f"  {'logs':<11}{stack.home.logs}")
    if not only_infra:
        web = stack.specs["web"].url
        print(f"\nopen {web} and sign in as {FIRST_ADMIN_EMAIL} (API reference: {web}/v1/docs)")
    return 0


def _status(stack: Stack) -> None:
    for service in stack.status():
        pid = f"pid {service.pid}" if service.pid else ""
        print(f"{service.name:<11}{service.state:<9}{pid:<12}{service.url}")

"""``iotsphere devices list|create``: the fleet, and onboarding one device with its package."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

from iotsphere.client.session import SessionStore
from iotsphere.client.transport import ApiClient, ApiError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="devices of the organization, a line each")
    listing.add_argument("--device-type")
    listing.add_argument("--tag", action="append", default=[])
    listing.add_argument("--limit", type=int, default=50, help="at most this many (max 200)")
    create = actions.add_parser("create", help="onboard a device; save its provisioning package")
    create.add_argument("--name", required=True)
    create.add_argument("--type", required=True, dest="device_type")
    create.add_argument("--tag", action="append", default=[])
    create.add_argument("--group", action="append", default=[])
    create.add_argument(
        "--save", type=Path, required=True, help="where the package goes (mode 0600)"
    )


def run(args: argparse.Namespace, store: SessionStore | None = None) -> int:
    client = ApiClient(store or SessionStore())
    try:
        return list_devices(client, args) if args.action == "list" else create(client, args)
    except ApiError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1


def list_devices(client: ApiClient, args: argparse.Namespace) -> int:
    query: list[tuple[str, str | int]] = [("limit", args.limit)]
    query += [("tags", tag) for tag in args.tag]
    if args.device_type:
        query.append(("device_type", args.device_type))
    page = client.call("GET", f"/v1/devices?{urlencode(query)}").body
    for device in page["items"]:
        print(
            f"{device['id']:<24}{device['status']:<14}{device['device_type']:<20}{device['name']}"
        )
    if page.get("next_cursor"):
        print("… more: narrow the search or raise --limit", file=sys.stderr)
    return 0


def create(client: ApiClient, args: argparse.Namespace) -> int:
    if args.save.exists():
        print(
            f"error: {args.save} exists; the package is shown once, choose a new file",
            file=sys.stderr,
        )
        return 1
    body = {
        "name": args.name,
        "device_type": args.device_type,
        "tags": args.tag,
        "groups": args.group,
    }
    package = client.call("POST", "/v1/devices", body).body
    fd = os.open(args.save, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(package, out, indent=2)
    print(f"device {package['device_id']} onboarded; its provisioning package is in {args.save}")
    return 0

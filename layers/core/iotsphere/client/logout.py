"""``iotsphere logout``: end the session at the API and forget it here."""

from __future__ import annotations

import argparse
import sys

from iotsphere.client.session import SessionStore
from iotsphere.client.transport import ApiClient, ApiError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace, store: SessionStore | None = None) -> int:
    store = store or SessionStore()
    try:
        ApiClient(store).call("POST", "/v1/auth/logout")
    except ApiError as exc:
        print(f"note: {exc.detail}", file=sys.stderr)
    store.clear()
    print("signed out")
    return 0

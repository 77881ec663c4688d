"""``iotsphere login``: sign in to an IoTSphere API and keep the session for later commands."""

from __future__ import annotations

import argparse
import getpass
import sys

from iotsphere.client.session import DEFAULT_URL, Session, SessionStore
from iotsphere.client.transport import ApiClient, ApiError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default=DEFAULT_URL, help="the API's base URL")
    parser.add_argument("--email", required=True)
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )


def run(args: argparse.Namespace, store: SessionStore | None = None) -> int:
    store = store or SessionStore()
    password = (
        sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("password: ")
    )
    store.save(Session(base_url=args.url.rstrip("/")))
    client = ApiClient(store)
    try:
        answer = client.call(
            "POST", "/v1/auth/login", {"email": args.email, "password": password}, auth=False
        )
    except ApiError as exc:
        store.clear()
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    store.save(store.load().with_tokens(answer.body["access_token"], answer.body["refresh_token"]))
    me = client.call("GET", "/v1/me").body
    print(f"signed in to {args.url} as {me['email']} ({me['role']})")
    return 0

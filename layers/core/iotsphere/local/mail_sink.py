"""The local stack's mail sink: an SMTP server that accepts every message and keeps it as a file.

E-mail notifications of a local stack must land somewhere a newcomer can open, never in a real
mailbox: each accepted message becomes ``<folder>/<nanoseconds>-<id>.eml`` (the message as
received, after an ``X-Mail-Sink-Rcpt-To`` header naming the envelope recipients). A file appears
whole or not at all (written aside, then renamed), so a reader never sees half a message.

Run as ``python -m iotsphere.local.mail_sink --port 11025 --folder .iotsphere/mail``; it stops on
SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

RCPT_HEADER = "X-Mail-Sink-Rcpt-To"


def write_message(folder: Path, recipients: Sequence[str], content: bytes) -> Path:
    """Store one message; names sort in the order the messages arrived."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
    header = f"{RCPT_HEADER}: {', '.join(recipients)}\r\n".encode()
    aside = folder / f".{name}.tmp"
    aside.write_bytes(header + content)
    final = folder / name
    os.replace(aside, final)
    return final


class MailFolderHandler:
    """aiosmtpd handler: every message of every sender to every recipient is accepted."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        write_message(self.folder, list(envelope.rcpt_tos), bytes(content))
        return "250 Message accepted for delivery"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mail_sink", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--folder", type=Path, required=True, help="where messages are written")
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    controller = Controller(MailFolderHandler(args.folder), hostname=args.host, port=args.port)
    controller.start()
    print(f"mail sink on {args.host}:{args.port}, writing to {args.folder}", flush=True)
    try:
        stop.wait()
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A real SMTP server for integration tests: aiosmtpd in its own process, storing what it accepts
in a Maildir. Recipients at ``refused.example.com`` get a permanent 550, those at
``busy.example.com`` a transient 451, so the e-mail channel's refusals are tested for real."""

from __future__ import annotations

import mailbox
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import Any, Self

from aiosmtpd.handlers import Mailbox

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_S = 20.0
HOST = "127.0.0.1"


class RecordingHandler(Mailbox):
    """Mailbox that answers recipients of the two test domains as their names say."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        domain = address.rsplit("@", 1)[-1].lower()
        if domain == "refused.example.com":
            return "550 5.1.1 no such mailbox"
        if domain == "busy.example.com":
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """``with SmtpServer(tmp_path) as smtp:`` starts it, waits until it answers, stops it after."""

    def __init__(self, directory: Path, port: int | None = None) -> None:
        self.directory = directory / "maildir"
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        command = [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"{HOST}:{self.port}",
            "-c",
            "tests.integration.smtp_server.RecordingHandler",
            str(self.directory),
        ]
        self._process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        self._wait_ready()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        assert self._process is not None
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                errors = self._process.stderr.read().decode() if self._process.stderr else ""
                raise RuntimeError(f"aiosmtpd exited with {self._process.returncode}: {errors}")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5) as conn:
                    if conn.recv(3) == b"220":
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"aiosmtpd did not answer on {HOST}:{self.port}")

    def messages(self) -> list[EmailMessage]:
        """What the server accepted, in no particular order."""
        if not self.directory.exists():
            return []
        box = mailbox.Maildir(self.directory, create=False)
        parser = BytesParser(policy=default)
        return [parser.parsebytes(box.get_bytes(key)) for key in box.iterkeys()]

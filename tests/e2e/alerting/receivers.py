"""Real receivers of notifications for the end-to-end alerting test: an HTTP server taking
webhook calls, and the local stack's mail sink read back from its folder."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from iotsphere.local.mail_sink import RCPT_HEADER

PORTS = range(31300, 31400)  # this test's own range: no other test binds these


@dataclass(frozen=True)
class WebhookCall:
    path: str
    headers: dict[str, str]  # names in lower case: HTTP header names ignore case
    body: bytes

    @property
    def document(self) -> dict[str, Any]:
        return dict(json.loads(self.body))

    def signed_with(self, secret: str) -> bool:
        """Checked the way docs/notifications.md tells a receiver to, independently of the
        platform's own signing code."""
        timestamp = self.headers["x-iotsphere-timestamp"]
        mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + self.body, hashlib.sha256)
        expected = f"v1={mac.hexdigest()}"
        return hmac.compare_digest(expected, self.headers["x-iotsphere-signature"])


class WebhookReceiver:
    """Answers 200 to every POST and keeps it; ``with WebhookReceiver() as hook:``."""

    def __init__(self) -> None:
        self.calls: list[WebhookCall] = []
        self._lock = threading.Lock()
        self._server = self._bind()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/iotsphere"

    def received(self) -> list[WebhookCall]:
        with self._lock:
            return list(self.calls)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _bind(self) -> ThreadingHTTPServer:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                with receiver._lock:
                    receiver.calls.append(WebhookCall(self.path, headers, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        for port in PORTS:
            try:
                return ThreadingHTTPServer(("127.0.0.1", port), Handler)
            except OSError:
                continue
        raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1} for the webhook")


def mails_to(folder: Path, address: str) -> list[EmailMessage]:
    """What the stack's mail sink accepted for ``address``, oldest first."""
    parser = BytesParser(policy=default)
    mails = [parser.parsebytes(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]
    return [mail for mail in mails if mail[RCPT_HEADER] == address]

"""The benchmark's webhook receiver: an HTTP server in a thread that checks each notification's
signature and notes when every transition in it arrived. Its path is new each run, so retries
of an earlier run's subscriptions on the same port are told 404 and counted apart."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from iotsphere.domain.notifications.signing import verify

PORTS = range(31400, 31500)  # this benchmark's own range


@dataclass(frozen=True)
class Arrival:
    received_s: float
    delivery_id: str
    idempotency_key: str
    transition: dict[str, Any]


@dataclass
class Inbox:
    secret: str = ""
    arrivals: list[Arrival] = field(default_factory=list)
    bad_signatures: int = 0
    strays: int = 0  # posts to another path: retries of an earlier run's subscriptions
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, headers: Any, body: bytes) -> int:
        """The HTTP status to answer: 401 for a bad signature (the notifier retries it)."""
        received_s = time.time()
        stamp = int(headers.get("X-IoTSphere-Timestamp", "0"))
        if not verify(self.secret, stamp, body, headers.get("X-IoTSphere-Signature", "")):
            with self.lock:
                self.bad_signatures += 1
            return 401
        document = json.loads(body)
        delivery = headers.get("X-IoTSphere-Delivery", "")
        with self.lock:
            for item in document["items"]:
                self.arrivals.append(
                    Arrival(received_s, delivery, item["idempotency_key"], item["transition"])
                )
        return 200

    def snapshot(self) -> list[Arrival]:
        with self.lock:
            return list(self.arrivals)


class WebhookReceiver:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.path = f"/hook/{uuid.uuid4().hex}"
        inbox, path = self.inbox, self.path

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path == path:
                    status = inbox.take(self.headers, body)
                else:  # 404 is permanent for the notifier: an old subscription stops at once
                    with inbox.lock:
                        inbox.strays += 1
                    status = 404
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                """Quiet: hundreds of requests."""

        self.server = self._bind(Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def _bind(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
        for port in PORTS:
            try:
                return ThreadingHTTPServer(("127.0.0.1", port), handler)
            except OSError:
                continue
        raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{self.path}"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

"""The benchmark's webhook receiver: an HTTP server in a thread that checks each notification's
signature and notes when every transition in it arrived."""

from __future__ import annotations

import json
import threading
import time
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
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, headers: Any, body: bytes) -> None:
        received_s = time.time()
        stamp = int(headers.get("X-IoTSphere-Timestamp", "0"))
        if not verify(self.secret, stamp, body, headers.get("X-IoTSphere-Signature", "")):
            with self.lock:
                self.bad_signatures += 1
            return
        document = json.loads(body)
        delivery = headers.get("X-IoTSphere-Delivery", "")
        with self.lock:
            for item in document["items"]:
                self.arrivals.append(
                    Arrival(received_s, delivery, item["idempotency_key"], item["transition"])
                )

    def snapshot(self) -> list[Arrival]:
        with self.lock:
            return list(self.arrivals)


class WebhookReceiver:
    def __init__(self) -> None:
        self.inbox = Inbox()
        inbox = self.inbox

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                inbox.take(self.headers, body)
                self.send_response(200)
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
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

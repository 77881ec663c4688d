"""``iotsphere api`` sends each answer without waiting: http.server writes a response's headers
and its body separately, and with Nagle's algorithm on, the body of every answer on a kept-alive
connection waited for the client's delayed ACK of the headers (~40 ms a request)."""

import socket
import threading
import urllib.request

from chalice import Chalice
from chalice.config import Config
from chalice.local import LocalDevServer

from iotsphere.local.api_server import ApiRequestHandler


def test_each_connection_sends_without_nagles_delay():
    app = Chalice("nodelay")
    app.route("/")(lambda: {"ok": True})
    options: list[int] = []

    class Recording(ApiRequestHandler):
        def setup(self) -> None:
            super().setup()
            options.append(self.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    server = LocalDevServer(app, Config(), "127.0.0.1", 0, handler_cls=Recording)
    port = server.server.server_address[1]
    answering = threading.Thread(target=server.handle_single_request)
    answering.start()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as answer:
        assert answer.status == 200
    answering.join(timeout=10)
    server.server.server_close()
    assert options == [1]

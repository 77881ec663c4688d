"""Health checks of the services; each answers True or False and never raises."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from pymongo import MongoClient
from pymongo.errors import PyMongoError

HEALTHY_LOCALSTACK = ("available", "running")


def _get(url: str, timeout_s: float = 2.0) -> tuple[int, bytes] | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 (our URL)
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""
    except (OSError, ValueError):
        return None


def tcp_ready(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def mqtt_ready(port: int, username: str, password: str) -> bool:
    """A real MQTT CONNECT with a stack user: the listener is up and the password file works."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"health-{uuid.uuid4().hex[:8]}")
    client.username_pw_set(username, password)
    try:
        client.connect("127.0.0.1", port, keepalive=5)
    except OSError:
        return False
    client.loop_start()
    try:
        deadline = time.monotonic() + 2.0
        while not client.is_connected() and time.monotonic() < deadline:
            time.sleep(0.02)
        return bool(client.is_connected())
    finally:
        client.disconnect()
        client.loop_stop()


def influx_ready(port: int) -> bool:
    answer = _get(f"http://127.0.0.1:{port}/ping")
    return answer is not None and answer[0] == 204


def localstack_ready(port: int, services: tuple[str, ...] = ("sqs", "s3")) -> bool:
    answer = _get(f"http://127.0.0.1:{port}/_localstack/health")
    if answer is None or answer[0] != 200:
        return False
    try:
        states = json.loads(answer[1]).get("services", {})
    except ValueError:
        return False
    return all(states.get(name) in HEALTHY_LOCALSTACK for name in services)


def mongo_ready(url: str) -> bool:
    client: MongoClient[dict[str, Any]] = MongoClient(url, serverSelectionTimeoutMS=1000)
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


def wait_healthy(
    ready: Callable[[], bool] | None, alive: Callable[[], bool], timeout_s: float
) -> str | None:
    """Poll until ``ready()`` (without a check: until ``timeout_s`` passed with the process
    alive). None when healthy, else what went wrong."""
    deadline = time.monotonic() + timeout_s
    while True:
        if not alive():
            return "exited"
        if ready is not None and ready():
            return None
        if time.monotonic() >= deadline:
            return None if ready is None else f"was not healthy after {timeout_s:.0f} s"
        time.sleep(0.25)

"""What the Device API tests share: in-memory device ports in place of MongoDB and the broker,
and one way to send a request as a caller of a given role."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from iotsphere import bootstrap
from iotsphere.services.devices.registry import create_device_type
from tests.functions.conftest import auth
from tests.unit.devices.builders import ORG, OTHER_ORG, THERMO, onboard
from tests.unit.devices.fakes import fake_ports
from tests.unit.firmware.scenario import fleet_ports

__all__ = ["ORG", "OTHER_ORG", "THERMO", "call", "device_ports", "onboard", "problem"]


@pytest.fixture
def device_ports(monkeypatch):
    """Fakes of every device port, with the ``thermo`` type in both organizations."""
    ports = fake_ports()
    firmware = fleet_ports()  # no rollout started
    create_device_type(ORG, THERMO, ports)
    create_device_type(OTHER_ORG, THERMO, ports)
    monkeypatch.setattr(bootstrap, "device_ports", lambda: ports)
    # a birth also looks for open firmware offers: none here (test_device_events_function has one)
    monkeypatch.setattr(bootstrap, "rollout_ports", lambda: firmware)
    return ports


def call(client, method: str, path: str, role: str = "operator", body: Any = None, **query: Any):
    """``method path`` as ``role``; ``body`` is sent as JSON, ``query`` as the query string."""
    url = f"{path}?{urlencode(query, doseq=True)}" if query else path
    headers = auth(role) if role else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    payload = json.dumps(body).encode() if body is not None else b""
    return client.http.request(method, url, headers=headers, body=payload)


def problem(response) -> dict[str, Any]:
    assert response.headers["Content-Type"] == "application/problem+json", response.body
    return json.loads(response.body)

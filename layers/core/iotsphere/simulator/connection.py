"""Where the simulator connects, and as whom: explicit flags, else the local stack's files.

The port comes from ``--port``, else from the stack config (``services.mosquitto.port``). The
credentials come from ``--username``/``--password``, else from ``<home>/secrets.json`` (the stack's
``iotsphere-simulator`` user). There is no anonymous fallback.
"""

from __future__ import annotations

from pathlib import Path

from iotsphere.local.config import StackConfig, StackConfigError, load_stack_config
from iotsphere.local.errors import StackError
from iotsphere.local.secrets import SIMULATOR_USER, mqtt_credentials
from iotsphere.simulator.errors import ConnectionSettingsError
from iotsphere.simulator.publisher import MqttTarget


def stack_config(config_path: str | None, port: int | None) -> StackConfig | None:
    """The stack config when the port must come from it (no ``--port``), else None."""
    if port is not None:
        return None
    if config_path is None:
        raise ConnectionSettingsError("give --port, or --config with the stack file")
    try:
        return load_stack_config(config_path)
    except StackConfigError as exc:
        raise ConnectionSettingsError(str(exc)) from exc


def credentials(username: str | None, password: str | None, home: str | None) -> tuple[str, str]:
    if username is not None:
        if not password:
            raise ConnectionSettingsError(f"--username {username}: give its --password too")
        return username, password
    if home is None:
        raise ConnectionSettingsError("give --username/--password, or --home with secrets.json")
    try:
        return mqtt_credentials(Path(home), SIMULATOR_USER)
    except StackError as exc:
        raise ConnectionSettingsError(str(exc)) from exc


def mqtt_target(
    host: str,
    port: int | None,
    config: StackConfig | None,
    username: str | None,
    password: str | None,
    home: str | None,
) -> MqttTarget:
    broker_port = port if port is not None else config.services.mosquitto.port if config else None
    if broker_port is None:
        raise ConnectionSettingsError("give --port, or --config with the stack file")
    user, secret = credentials(username, password, home)
    return MqttTarget(host, broker_port, user, secret)

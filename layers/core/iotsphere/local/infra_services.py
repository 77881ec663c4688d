"""The infrastructure services: Mosquitto, InfluxDB, the MongoDB-wire server, LocalStack."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from iotsphere.local import health
from iotsphere.local.errors import BinaryMissingError
from iotsphere.local.home import StackHome
from iotsphere.local.secrets import REGISTRY_USER, ensure_mqtt_passwords
from iotsphere.local.service_configs import (
    DYNSEC_STATE,
    dynsec_plugin,
    influxdb_conf,
    mosquitto_conf,
    service_identities,
    write_dynsec_state,
    write_text,
)
from iotsphere.local.service_specs import (
    SETUP_HINT,
    ServiceSpec,
    SpecContext,
    find_binary,
    venv_binary,
)


def localstack_python(home: StackHome, project_root: Path) -> str:
    for marker in (home.root / "localstack-venv", project_root / ".iotsphere" / "localstack-venv"):
        if marker.is_file():
            python = Path(marker.read_text().strip()) / "bin" / "python"
            if python.is_file():
                return str(python)
    raise BinaryMissingError(f"LocalStack's venv is not set up: {SETUP_HINT}")


def mosquitto_service(ctx: SpecContext) -> ServiceSpec:
    port = ctx.config.services.mosquitto.port
    etc = ctx.home.etc

    def prepare() -> None:
        passwords = ensure_mqtt_passwords(ctx.home.root)
        ctx.home.data_dir("mosquitto").mkdir(parents=True, exist_ok=True)
        write_text(etc / "mosquitto.conf", mosquitto_conf(ctx.config, ctx.home, dynsec_plugin()))
        write_dynsec_state(etc / DYNSEC_STATE, service_identities(ctx.config, passwords))

    def ready() -> bool:
        """The registry exists only in the plugin's bootstrapped state: a broker still running an
        older config (password file) is not ready; restart it."""
        password = ensure_mqtt_passwords(ctx.home.root)[REGISTRY_USER]
        return health.mqtt_ready(port, REGISTRY_USER, password)

    return ServiceSpec(
        name="mosquitto",
        command=lambda: [
            find_binary("mosquitto", "/usr/sbin/mosquitto"),
            "-c",
            str(etc / "mosquitto.conf"),
        ],
        ports={"port": port},
        url=f"mqtt://127.0.0.1:{port}",
        ready=ready,
        prepare=prepare,
    )


def influxdb_service(ctx: SpecContext) -> ServiceSpec:
    influx = ctx.config.services.influxdb
    conf = ctx.home.etc / "influxdb.conf"
    return ServiceSpec(
        name="influxdb",
        command=lambda: [find_binary("influxd", "/usr/bin/influxd"), "-config", str(conf)],
        ports={"port": influx.port, "rpc_port": influx.rpc_port},
        url=f"http://127.0.0.1:{influx.port}",
        ready=lambda: health.influx_ready(influx.port),
        prepare=lambda: write_text(conf, influxdb_conf(ctx.config, ctx.home)),
    )


def mongodb_service(ctx: SpecContext) -> ServiceSpec:
    port = ctx.config.services.mongodb.port
    storage = ctx.home.data_dir("mongo")
    return ServiceSpec(
        name="mongodb",
        command=lambda: [
            venv_binary("secantusd-py"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--storage-path",
            str(storage),
        ],
        ports={"port": port},
        url=ctx.config.mongo_url,
        ready=lambda: health.mongo_ready(ctx.config.mongo_url),
        cwd=storage,
    )


def localstack_service(ctx: SpecContext) -> ServiceSpec:
    port = ctx.config.services.localstack.port
    root = ctx.home.data_dir("localstack")
    return ServiceSpec(
        name="localstack",
        command=lambda: [
            localstack_python(ctx.home, ctx.project_root),
            "-m",
            "localstack.runtime.main",
        ],
        ports={"port": port},
        url=f"http://127.0.0.1:{port}",
        ready=lambda: health.localstack_ready(port),
        timeout_s=90.0,
        cwd=root,
        env={
            "GATEWAY_LISTEN": f"127.0.0.1:{port}",
            "LOCALSTACK_HOST": f"127.0.0.1:{port}",
            "SERVICES": "s3,sqs,events,scheduler",
            "GATEWAY_SERVER": "hypercorn",  # twisted, the default, binds 0.0.0.0 whatever is asked
            "SQS_ENDPOINT_STRATEGY": "path",
            "SKIP_SSL_CERT_DOWNLOAD": "1",
            "OVERRIDE_IN_DOCKER": "0",  # host mode: its folders go under FILESYSTEM_ROOT
            "DISABLE_EVENTS": "1",
            "LOCALSTACK_VOLUME_DIR": str(root / "volume"),
            "FILESYSTEM_ROOT": str(root / "filesystem"),
        },
    )


def mail_folder(home: StackHome) -> Path:
    """Where the mail sink writes each e-mail the stack sends, one ``.eml`` file per message."""
    return home.root / "mail"


def module_installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def mail_service(ctx: SpecContext) -> ServiceSpec:
    """The mail sink (``iotsphere.local.mail_sink``), where the stack's notify sends e-mail."""
    port = ctx.config.services.mail.port
    folder = mail_folder(ctx.home)

    def command() -> list[str]:
        if not module_installed("aiosmtpd"):  # a dev extra: the Lambda layer does without it
            raise BinaryMissingError(f"aiosmtpd is not installed: {SETUP_HINT}")
        python = venv_binary("python")
        return [
            python,
            "-m",
            "iotsphere.local.mail_sink",
            "--port",
            str(port),
            "--folder",
            str(folder),
        ]

    return ServiceSpec(
        name="mail",
        command=command,
        ports={"port": port},
        url=f"smtp://127.0.0.1:{port}",
        ready=lambda: health.tcp_ready(port),
        prepare=lambda: folder.mkdir(parents=True, exist_ok=True),
    )


def infra_services(ctx: SpecContext) -> list[ServiceSpec]:
    """In start order; no MongoDB-wire server when ``services.mongodb.url`` names a real one."""
    mongo = [mongodb_service(ctx)] if ctx.config.services.mongodb.url is None else []
    return [
        mosquitto_service(ctx),
        influxdb_service(ctx),
        *mongo,
        localstack_service(ctx),
        mail_service(ctx),
    ]

"""The platform's own processes: the function runner, the MQTT bridge, the API, the web app
(built by ``infra/build-web.sh``, served with ``/v1`` forwarded to the API), the simulator."""

from __future__ import annotations

from iotsphere.local import health
from iotsphere.local.service_specs import ServiceSpec, SpecContext, find_binary
from iotsphere.services.identity.organizations import FIRST_ADMIN_EMAIL


def platform_services(ctx: SpecContext) -> list[ServiceSpec]:
    """In start order: the runner first, so nothing the bridge queues waits long."""
    api_port = ctx.config.services.api.port
    web_port = ctx.config.services.web.port
    simulator = ctx.config.simulator
    return [
        ServiceSpec(name="runner", command=lambda: ctx.iotsphere("runner"), ports={}, url=""),
        ServiceSpec(name="bridge", command=lambda: ctx.iotsphere("bridge"), ports={}, url=""),
        ServiceSpec(
            name="api",
            command=lambda: ctx.iotsphere("api", "--port", str(api_port)),
            ports={"port": api_port},
            url=f"http://127.0.0.1:{api_port}",
            ready=lambda: health.tcp_ready(api_port),
            cwd=ctx.project_root / "functions",
        ),
        ServiceSpec(
            name="web",
            command=lambda: [
                find_binary("node"),
                str(ctx.project_root / "frontend" / "scripts" / "serve.mjs"),
                "--api",
                f"http://127.0.0.1:{api_port}",
                "--port",
                str(web_port),
            ],
            ports={"port": web_port},
            url=f"http://127.0.0.1:{web_port}",
            ready=lambda: health.tcp_ready(web_port),
        ),
        ServiceSpec(
            name="simulator",
            command=lambda: ctx.iotsphere(
                "simulate",
                "--devices",
                str(simulator.devices),
                "--rate",
                str(simulator.rate),
                "--register-as",
                FIRST_ADMIN_EMAIL,
                "--starter-rules",
                *(("--faults", simulator.faults, "--fault-rate", "0") if simulator.faults else ()),
            ),
            ports={},
            url="",
        ),
    ]

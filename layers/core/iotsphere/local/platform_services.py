"""The platform's own processes: the function runner, the MQTT bridge, the API, the simulator."""

from __future__ import annotations

from iotsphere.local import health
from iotsphere.local.service_specs import ServiceSpec, SpecContext
from iotsphere.services.identity.organizations import FIRST_ADMIN_EMAIL


def platform_services(ctx: SpecContext) -> list[ServiceSpec]:
    """In start order: the runner first, so nothing the bridge queues waits long."""
    api_port = ctx.config.services.api.port
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
            name="simulator",
            command=lambda: ctx.iotsphere(
                "simulate",
                "--devices",
                str(simulator.devices),
                "--rate",
                str(simulator.rate),
                "--register-as",
                FIRST_ADMIN_EMAIL,
            ),
            ports={},
            url="",
        ),
    ]

"""The browser tier: the real test stack with the runner, the bridge, the API and the web app
(``frontend/scripts/serve.mjs`` in front of the API), an organization with an admin, an operator
and a viewer, and ``flows`` to run ``frontend/e2e/flows/<name>.mjs`` in Debian's Chromium
against it. Chromium, node and the build are required: missing, the tier fails, never skips."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from iotsphere.local.stack import Stack
from iotsphere.services.identity.ports import IdentityPorts
from iotsphere.services.identity.throttling import address_key
from tests.e2e.api.client import ApiClient
from tests.e2e.web.devices import Onboarded, onboard
from tests.e2e.web.harness import (
    ROOT,
    FlowRunner,
    WebOrganization,
    ensure_browser,
    serving,
    web_organization,
    web_root,
)


@pytest.fixture(scope="session")
def node() -> str:
    return ensure_browser()


@pytest.fixture(scope="session")
def web(
    platform: Stack,
    api: ApiClient,
    node: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """The web app's URL: the build (E2E_WEB_ROOT, or frontend/dist built when stale) served by
    serve.mjs on the test stack's web port, with /v1 forwarded to the API."""
    log = tmp_path_factory.mktemp("web") / "serve.log"
    with serving(node, web_root(), api.base_url, platform.config.services.web.port, log) as url:
        yield url


@pytest.fixture(scope="session")
def web_org(identity: IdentityPorts, api: ApiClient) -> WebOrganization:
    """The organization every flow signs in to unless the test gives other credentials."""
    return web_organization(identity, api, "Web e2e")


@pytest.fixture
def new_device(web_org: WebOrganization) -> Onboarded:
    """A device onboarded by the operator, not yet connected."""
    return onboard(web_org.org.operator, web_org.device_type)


def screenshot_dir() -> Path:
    """SCREENSHOT_DIR, or the test home (git-ignored): test runs leave docs/ alone unless asked."""
    chosen = os.environ.get("SCREENSHOT_DIR")
    return Path(chosen).resolve() if chosen else ROOT / ".iotsphere" / "test" / "screenshots"


@pytest.fixture(scope="session")
def flows(
    web: str,
    node: str,
    web_org: WebOrganization,
    identity: IdentityPorts,
    tmp_path_factory: pytest.TempPathFactory,
) -> FlowRunner:
    def fresh_login_attempts() -> None:
        """Earlier tests' failed logins from this machine must not lock the flow's sign-in out."""
        for address in ("127.0.0.1", "::ffff:127.0.0.1"):
            identity.login_attempts.clear(address_key(address))

    return FlowRunner(
        node,
        web,
        screenshot_dir(),
        tmp_path_factory.mktemp,
        web_org.inputs(),
        before_each=fresh_login_attempts,
    )

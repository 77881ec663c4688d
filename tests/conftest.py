"""Shared fixtures. ``stack`` starts the real services of ``tests/stack.yml`` once per session,
only when a test asks for it, and fails (never skips) when one does not come up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from iotsphere.local.stack import Stack
from iotsphere.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
STACK_CONFIG = ROOT / "tests" / "stack.yml"
STACK_HOME = ROOT / ".iotsphere" / "test"
TIERS = ("unit", "functions", "integration", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test gets the marker of its tier folder (tests/unit -> ``unit`` …)."""
    for item in items:
        parts = item.path.relative_to(ROOT / "tests").parts
        if parts and parts[0] in TIERS:
            item.add_marker(parts[0])


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """Mosquitto, InfluxDB, the MongoDB-wire server and LocalStack, provisioned. Everything that
    runs at the end and did not run before the session is stopped."""
    test_stack = Stack.from_file(STACK_CONFIG, STACK_HOME)
    already = {name for name in test_stack.specs if test_stack.is_running(name)}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ACCESS_KEY_ID", "test")
        env.setenv("AWS_SECRET_ACCESS_KEY", "test")
        env.setenv("AWS_DEFAULT_REGION", test_stack.config.services.localstack.region)
        try:
            test_stack.up(only_infra=True)
            yield test_stack
        finally:
            for name in reversed(list(test_stack.specs)):
                if name not in already:
                    test_stack.stop(name)


@pytest.fixture(scope="session")
def settings(stack: Stack) -> Settings:
    """Where the test stack's services are, for adapters under test."""
    return stack.settings

"""The device list and the device detail with the keyboard alone, and the names of their controls
as Chromium's accessibility tree and axe-core see them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.web.devices import Onboarded, onboard
from tests.e2e.web.harness import FlowResult, FlowRunner, WebOrganization

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def device(web_org: WebOrganization) -> Onboarded:
    return onboard(web_org.org.operator, web_org.device_type)


@pytest.fixture(scope="module")
def keyboard(flows: FlowRunner, device: Onboarded) -> FlowResult:
    return flows.run("keyboard", device_id=device.id, device_name=device.name)


@pytest.fixture(scope="module")
def facts(keyboard: FlowResult) -> dict[str, Any]:
    keyboard.assert_clean()
    return keyboard.facts


def test_tab_reaches_the_navigation_and_the_device_and_enter_opens_it(
    facts: dict[str, Any], device: Onboarded
) -> None:
    walk = facts["walk_to_device"]
    assert walk[0] == 'a "Skip to content"'
    assert 'a "Devices" in Modules' in walk
    assert walk.index('a "Devices" in Modules') < walk.index(f'a "{device.name}" in main')


def test_the_tab_strip_closes_a_tab_with_delete(facts: dict[str, Any]) -> None:
    assert facts["tabs_after_delete"] == 1


@pytest.mark.parametrize("screen", ["names_list", "names_detail"])
def test_every_control_has_an_accessible_name(facts: dict[str, Any], screen: str) -> None:
    audit = facts[screen]
    assert audit["unnamed"] == []
    assert audit["axe"] == []
    assert len(audit["controls"]) >= 8  # the audit saw the screen, not an empty page


def test_the_audits_saw_the_screens_controls(facts: dict[str, Any], device: Onboarded) -> None:
    on_list = {(c["role"], c["name"]) for c in facts["names_list"]["controls"]}
    assert {("link", device.name), ("button", "Sign out"), ("link", "Devices")} <= on_list
    on_detail = {(c["role"], c["name"]) for c in facts["names_detail"]["controls"]}
    assert {("combobox", "Metric"), ("combobox", "Time range")} <= on_detail


def test_the_skip_link_moves_the_focus_to_the_content_and_stays_on_the_page(
    keyboard: FlowResult,
) -> None:
    if not keyboard.observations.get("ok") or "skip_link" not in keyboard.facts:
        pytest.fail(f"the keyboard flow failed: {keyboard.observations.get('error')}")
    skip = keyboard.facts["skip_link"]
    assert skip["focus_after"]["id"] == "main"
    assert skip["url_after"] == skip["url_before"]

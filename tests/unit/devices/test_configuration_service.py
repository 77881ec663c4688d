import json
from dataclasses import replace

import pytest

from iotsphere.domain.devices import topics
from iotsphere.domain.devices.messages import (
    BulkConfigPatch,
    ConfigPatch,
    DesiredConfigMessage,
    ReportedConfigMessage,
)
from iotsphere.domain.devices.targets import DeviceTarget
from iotsphere.services.devices.configuration import (
    apply_template,
    apply_to_target,
    get_shadow,
    history,
    record_report,
    shadow_view,
    update_desired,
)
from iotsphere.services.devices.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    StaleVersionError,
)
from iotsphere.services.errors import StoreUnavailableError
from tests.unit.devices.builders import ORG, OTHER_ORG, onboard


@pytest.fixture
def device_id(ports):
    return onboard(ports).device_id


GROUP_G = DeviceTarget(groups=["g"])


def patch(document, expected=None):
    return ConfigPatch(patch=document, expected_version=expected)


def test_a_patch_merges_raises_the_version_keeps_history_and_publishes_retained(ports, device_id):
    view = update_desired(ORG, device_id, patch({"interval_s": 10, "mode": None}), "alice", ports)
    assert (view.desired, view.desired_version) == ({"interval_s": 10}, 2)
    assert view.delta == {"interval_s": 10}
    ((topic, payload, retain),) = ports.channel.published
    assert (topic, retain) == (topics.desired_config(device_id), True)
    message = DesiredConfigMessage.model_validate_json(payload)
    assert (message.desired_version, message.state) == (2, {"interval_s": 10})
    revisions = history(ORG, device_id, "desired", 10, ports)
    assert [(r.version, r.patch, r.actor) for r in revisions] == [
        (2, {"interval_s": 10, "mode": None}, "alice"),
        (1, None, "onboarding"),
    ]


def test_an_invalid_patch_names_the_path_and_changes_nothing(ports, device_id):
    with pytest.raises(InvalidInputError, match=r"patch: \$.interval_s: must be <= 3600"):
        update_desired(ORG, device_id, patch({"interval_s": 4000}), "alice", ports)
    assert get_shadow(ORG, device_id, ports).desired_version == 1
    assert ports.channel.published == []


def test_a_patch_that_changes_nothing_keeps_the_version(ports, device_id):
    view = update_desired(ORG, device_id, patch({"mode": "eco"}), "alice", ports)
    assert view.desired_version == 1
    assert len(history(ORG, device_id, "desired", 10, ports)) == 1


def test_a_retry_after_a_failed_publish_publishes_what_was_saved(ports, device_id):
    ports.channel.down = True
    with pytest.raises(StoreUnavailableError):
        update_desired(ORG, device_id, patch({"interval_s": 10}), "alice", ports)
    ports.channel.down = False
    update_desired(ORG, device_id, patch({"interval_s": 10}), "alice", ports)
    (payload,) = ports.channel.on(topics.desired_config(device_id))
    assert DesiredConfigMessage.model_validate_json(payload).desired_version == 2


def test_an_expected_version_that_is_not_current_is_refused(ports, device_id):
    update_desired(ORG, device_id, patch({"interval_s": 10}, expected=1), "alice", ports)
    with pytest.raises(StaleVersionError, match="at version 2, not 1"):
        update_desired(ORG, device_id, patch({"interval_s": 20}, expected=1), "bob", ports)
    assert get_shadow(ORG, device_id, ports).desired == {"interval_s": 10, "mode": "eco"}


class RacingShadows:
    """Lets another writer change the desired side just before each of our first ``races`` saves."""

    def __init__(self, inner, races, rival_patch):
        self.inner, self.races, self.rival_patch = inner, races, rival_patch

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def save(self, shadow, side, expected_version):
        if self.races:
            self.races -= 1
            stored = self.inner.get(shadow.org_id, shadow.device_id)
            rival = stored.model_copy(
                update={
                    "desired": stored.desired | self.rival_patch,
                    "desired_version": stored.desired_version + 1,
                }
            )
            self.inner.rows[(shadow.org_id, shadow.device_id)] = rival
        return self.inner.save(shadow, side, expected_version)


def racing(ports, races, rival_patch):
    return replace(ports, shadows=RacingShadows(ports.shadows, races, rival_patch))


def test_a_lost_race_is_recomputed_from_the_newer_document(ports, device_id):
    raced = racing(ports, 1, {"mode": "boost"})
    view = update_desired(ORG, device_id, patch({"interval_s": 10}), "alice", raced)
    assert (view.desired, view.desired_version) == ({"interval_s": 10, "mode": "boost"}, 3)


def test_a_lost_race_with_an_expected_version_is_stale(ports, device_id):
    raced = racing(ports, 1, {"mode": "boost"})
    with pytest.raises(StaleVersionError):
        update_desired(ORG, device_id, patch({"interval_s": 10}, expected=1), "alice", raced)
    assert get_shadow(ORG, device_id, ports).desired == {"interval_s": 60, "mode": "boost"}


def test_endless_races_end_in_a_conflict(ports, device_id):
    with pytest.raises(ConflictError, match="changing too often"):
        update_desired(ORG, device_id, patch({"interval_s": 10}), "a", racing(ports, 99, {}))


def test_a_newer_report_is_stored_and_an_older_one_never_overwrites_it(ports, device_id):
    at = ports.clock.advance(1)
    newer = ReportedConfigMessage(reported_version=5, state={"interval_s": 60, "mode": "boost"})
    older = ReportedConfigMessage(reported_version=4, state={"interval_s": 1})
    assert record_report(device_id, newer, at, ports) is not None
    assert record_report(device_id, older, at, ports) is None
    assert record_report(device_id, newer, at, ports) is None
    view = shadow_view(get_shadow(ORG, device_id, ports))
    assert (view.reported, view.reported_version) == ({"interval_s": 60, "mode": "boost"}, 5)
    assert view.delta == {"mode": "eco"}
    assert [r.version for r in history(ORG, device_id, "reported", 10, ports)] == [5]


def test_a_report_of_an_unknown_device_is_dropped(ports):
    message = ReportedConfigMessage(reported_version=1, state={})
    assert record_report("dunknown", message, ports.clock(), ports) is None


def test_another_organization_cannot_read_or_change_the_configuration(ports, device_id):
    with pytest.raises(NotFoundError):
        update_desired(OTHER_ORG, device_id, patch({"interval_s": 10}), "eve", ports)
    with pytest.raises(NotFoundError):
        history(OTHER_ORG, device_id, None, 10, ports)
    assert ports.channel.published == []


def test_a_group_patch_reports_each_device_and_touches_no_other_group_or_org(ports):
    a = onboard(ports, name="a", groups=["floor1"]).device_id
    b = onboard(ports, name="b", groups=["floor1"]).device_id
    c = onboard(ports, name="c", groups=["floor2"]).device_id
    other = onboard(ports, name="a", org=OTHER_ORG, groups=["floor1"]).device_id
    update_desired(ORG, b, patch({"interval_s": 30}), "alice", ports)
    outcomes = apply_to_target(
        ORG,
        BulkConfigPatch(target=DeviceTarget(groups=["floor1"]), patch={"interval_s": 30}),
        "x",
        ports,
    )
    assert sorted((o.device_id, o.outcome, o.desired_version) for o in outcomes) == [
        (a, "applied", 2),
        (b, "unchanged", 2),
    ]
    assert get_shadow(ORG, c, ports).desired_version == 1
    assert get_shadow(OTHER_ORG, other, ports).desired_version == 1


def test_an_invalid_group_patch_is_reported_per_device(ports):
    onboard(ports, name="a", groups=["g"])
    (outcome,) = apply_to_target(
        ORG, BulkConfigPatch(target=GROUP_G, patch={"mode": "x"}), "x", ports
    )
    assert outcome.outcome == "invalid"
    assert "$.mode: must be one of" in outcome.detail


def test_a_template_of_the_device_type_is_applied_to_a_group(ports):
    device_id = onboard(ports, name="a", groups=["g"]).device_id
    (outcome,) = apply_to_target(ORG, BulkConfigPatch(target=GROUP_G, template="fast"), "x", ports)
    assert outcome.outcome == "applied"
    assert get_shadow(ORG, device_id, ports).desired["interval_s"] == 5
    (missing,) = apply_to_target(ORG, BulkConfigPatch(target=GROUP_G, template="nope"), "x", ports)
    assert (missing.outcome, missing.detail) == (
        "invalid",
        "device type 'thermo' has no template 'nope'",
    )


def test_a_group_call_needs_exactly_one_of_patch_and_template(ports):
    with pytest.raises(InvalidInputError):
        apply_to_target(ORG, BulkConfigPatch(target=GROUP_G), "x", ports)
    with pytest.raises(InvalidInputError):
        apply_to_target(ORG, BulkConfigPatch(target=GROUP_G, patch={}, template="fast"), "x", ports)


def test_an_oversized_configuration_is_refused(ports, device_id):
    big = {"net": {f"k{i}": "x" * 100 for i in range(200)}}
    with pytest.raises(InvalidInputError, match="over 16384 characters"):
        update_desired(ORG, device_id, patch(big), "alice", ports)
    assert len(json.dumps(get_shadow(ORG, device_id, ports).desired)) < 100


def test_a_template_is_applied_to_one_device(ports, device_id):
    view = apply_template(ORG, device_id, "fast", "alice", ports)
    assert (view.desired["interval_s"], view.desired_version) == (5, 2)
    with pytest.raises(InvalidInputError, match="has no 'nope'"):
        apply_template(ORG, device_id, "nope", "alice", ports)
    with pytest.raises(NotFoundError):
        apply_template(OTHER_ORG, device_id, "fast", "eve", ports)


class ReportRace:
    """A newer report is stored just before our conditional save of an older one."""

    def __init__(self, inner, newer):
        self.inner, self.newer = inner, newer

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def save(self, shadow, side, expected_version):
        if self.newer is not None:
            self.inner.save(self.newer, side, expected_version)
            self.newer = None
        return self.inner.save(shadow, side, expected_version)


def test_a_report_that_loses_a_race_to_a_newer_one_is_dropped(ports, device_id):
    stored = get_shadow(ORG, device_id, ports)
    newer = stored.with_report({"interval_s": 9}, 7, ports.clock())
    raced = replace(ports, shadows=ReportRace(ports.shadows, newer))
    older = ReportedConfigMessage(reported_version=6, state={"interval_s": 1})
    assert record_report(device_id, older, ports.clock(), raced) is None
    assert get_shadow(ORG, device_id, ports).reported == {"interval_s": 9}


def test_a_target_by_ids_and_tags_reports_unknown_ids_and_reaches_each_device_once(ports):
    a = onboard(ports, name="a", tags=["x"]).device_id
    b = onboard(ports, name="b", tags=["y"]).device_id
    onboard(ports, name="c", tags=["z"])
    foreign = onboard(ports, name="f", org=OTHER_ORG, tags=["x"]).device_id
    target = DeviceTarget(device_ids=[a, foreign, "dnothere"], tags=["x", "y"])
    outcomes = apply_to_target(
        ORG, BulkConfigPatch(target=target, patch={"interval_s": 7}), "x", ports
    )
    assert sorted((o.device_id, o.outcome) for o in outcomes) == sorted(
        [(a, "applied"), (b, "applied"), (foreign, "not_found"), ("dnothere", "not_found")]
    )
    assert get_shadow(OTHER_ORG, foreign, ports).desired_version == 1

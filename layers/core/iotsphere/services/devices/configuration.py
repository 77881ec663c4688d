"""Configuration shadows: desired changes from the API, reports from devices, history, bulk.

Every write is conditional on the version it was computed from. A desired change that loses a race
is recomputed from the newer document (or refused with ``StaleVersionError`` when the caller named
the version it expected); a device report that is not newer than the stored one is dropped.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from iotsphere.domain.devices import topics
from iotsphere.domain.devices.config_schema import ANY_OBJECT
from iotsphere.domain.devices.errors import InvalidConfigError
from iotsphere.domain.devices.messages import (
    BulkConfigPatch,
    ConfigPatch,
    DesiredConfigMessage,
    DeviceOutcome,
    ReportedConfigMessage,
    ShadowView,
)
from iotsphere.domain.devices.shadow import MAX_DOCUMENT_CHARS, Shadow, ShadowRevision, Side
from iotsphere.services.devices.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    StaleVersionError,
)
from iotsphere.services.devices.ports import DevicePorts
from iotsphere.services.devices.registry import SAVE_ATTEMPTS, get_device
from iotsphere.services.devices.targets import resolve_target

Outcome = Literal["applied", "unchanged", "invalid", "conflict"]
MAX_HISTORY = 200


def shadow_view(shadow: Shadow) -> ShadowView:
    return ShadowView(
        device_id=shadow.device_id,
        desired=shadow.desired,
        desired_version=shadow.desired_version,
        reported=shadow.reported,
        reported_version=shadow.reported_version,
        delta=shadow.delta,
    )


def get_shadow(org_id: str, device_id: str, ports: DevicePorts) -> Shadow:
    shadow = ports.shadows.get(org_id, device_id)
    if shadow is None:
        raise NotFoundError(f"no device {device_id!r}")
    return shadow


def update_desired(
    org_id: str, device_id: str, body: ConfigPatch, actor: str, ports: DevicePorts
) -> ShadowView:
    """Merge ``body.patch`` into the desired configuration and publish it to the device."""
    device = get_device(org_id, device_id, ports)
    device_type = ports.types.get(org_id, device.device_type)
    schema = device_type.config_schema if device_type else ANY_OBJECT
    for _ in range(SAVE_ATTEMPTS):
        shadow = get_shadow(org_id, device_id, ports)
        if body.expected_version is not None and body.expected_version != shadow.desired_version:
            raise StaleVersionError(
                f"desired configuration is at version {shadow.desired_version}, "
                f"not {body.expected_version}"
            )
        try:
            patched = shadow.patched(body.patch, schema, ports.clock())
        except InvalidConfigError as exc:
            raise InvalidInputError("patch", str(exc)) from exc
        if patched.desired == shadow.desired:  # publish again: heals a publish that failed
            publish_desired(shadow, ports)
            return shadow_view(shadow)
        if len(json.dumps(patched.desired)) > MAX_DOCUMENT_CHARS:
            raise InvalidInputError("patch", f"configuration over {MAX_DOCUMENT_CHARS} characters")
        if ports.shadows.save(patched, "desired", shadow.desired_version):
            _keep(patched, "desired", body.patch, actor, ports)
            publish_desired(patched, ports)
            return shadow_view(patched)
    raise ConflictError(f"configuration of {device_id} is changing too often; try again")


def publish_desired(shadow: Shadow, ports: DevicePorts) -> None:
    message = DesiredConfigMessage(
        desired_version=shadow.desired_version, state=shadow.desired, delta=shadow.delta
    )
    ports.channel.publish(
        topics.desired_config(shadow.device_id), message.model_dump_json(), retain=True
    )


def _keep(
    shadow: Shadow, side: Side, patch: dict[str, Any] | None, actor: str, ports: DevicePorts
) -> None:
    at = shadow.desired_at if side == "desired" else shadow.reported_at
    ports.shadows.add_revision(ShadowRevision.of(shadow, side, patch, actor, at or ports.clock()))


def record_report(
    device_id: str, message: ReportedConfigMessage, received_at: datetime, ports: DevicePorts
) -> Shadow | None:
    """Store a device's report unless a newer one is stored; None when dropped or unknown."""
    device = ports.devices.locate(device_id)
    if device is None:
        return None
    for _ in range(SAVE_ATTEMPTS):
        shadow = ports.shadows.get(device.org_id, device_id)
        if shadow is None:
            return None
        reported = shadow.with_report(message.state, message.reported_version, received_at)
        if reported is None:
            return None
        if ports.shadows.save(reported, "reported", shadow.reported_version):
            _keep(reported, "reported", None, f"device:{device_id}", ports)
            return reported
    raise ConflictError(f"reports of {device_id} race; the queue redelivers this one")


def history(
    org_id: str, device_id: str, side: Side | None, limit: int, ports: DevicePorts
) -> list[ShadowRevision]:
    get_shadow(org_id, device_id, ports)
    return ports.shadows.history(org_id, device_id, side, min(max(limit, 1), MAX_HISTORY))


def apply_to_target(
    org_id: str, body: BulkConfigPatch, actor: str, ports: DevicePorts
) -> list[DeviceOutcome]:
    """Apply a patch or a named template to every device reached, each on its own."""
    if (body.patch is None) == (body.template is None):
        raise InvalidInputError("patch", "give exactly one of patch and template")
    devices, missing = resolve_target(org_id, body.target, ports)
    outcomes = [DeviceOutcome(device_id=d, outcome="not_found") for d in missing]
    for device in devices:
        outcomes.append(_apply_one(org_id, device.id, device.device_type, body, actor, ports))
    return outcomes


def _apply_one(
    org_id: str, device_id: str, type_id: str, body: BulkConfigPatch, actor: str, ports: DevicePorts
) -> DeviceOutcome:
    patch = body.patch if body.patch is not None else {}
    if body.template is not None:
        device_type = ports.types.get(org_id, type_id)
        template = device_type.templates.get(body.template) if device_type else None
        if template is None:
            detail = f"device type {type_id!r} has no template {body.template!r}"
            return DeviceOutcome(device_id=device_id, outcome="invalid", detail=detail)
        patch = template
    before = get_shadow(org_id, device_id, ports).desired_version
    try:
        after = update_desired(org_id, device_id, ConfigPatch(patch=patch), actor, ports)
    except InvalidInputError as exc:
        return DeviceOutcome(device_id=device_id, outcome="invalid", detail=exc.message)
    except ConflictError as exc:
        return DeviceOutcome(device_id=device_id, outcome="conflict", detail=str(exc))
    outcome: Outcome = "unchanged" if after.desired_version == before else "applied"
    return DeviceOutcome(
        device_id=device_id, outcome=outcome, desired_version=after.desired_version
    )


def apply_template(
    org_id: str, device_id: str, template: str, actor: str, ports: DevicePorts
) -> ShadowView:
    """Merge a named template of the device's type into its desired configuration."""
    device = get_device(org_id, device_id, ports)
    device_type = ports.types.get(org_id, device.device_type)
    patch = device_type.templates.get(template) if device_type else None
    if patch is None:
        raise InvalidInputError(
            "template", f"device type {device.device_type!r} has no {template!r}"
        )
    return update_desired(org_id, device_id, ConfigPatch(patch=patch), actor, ports)

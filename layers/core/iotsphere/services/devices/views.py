"""Stored records as the API shows them: no organization id, no credential hash."""

from __future__ import annotations

from iotsphere.domain.devices.commands import Command
from iotsphere.domain.devices.device import Device
from iotsphere.domain.devices.device_type import DeviceType
from iotsphere.domain.devices.messages import (
    CommandView,
    DeviceTypeView,
    DeviceView,
    ShadowRevisionView,
)
from iotsphere.domain.devices.shadow import ShadowRevision


def device_view(device: Device) -> DeviceView:
    return DeviceView.model_validate(
        device.model_dump(include=set(DeviceView.model_fields) - {"version"})
    )


def device_type_view(device_type: DeviceType) -> DeviceTypeView:
    fields = device_type.model_dump(exclude={"org_id"}, by_alias=True)
    return DeviceTypeView.model_validate(fields)


def command_view(command: Command) -> CommandView:
    fields = command.model_dump(include=set(CommandView.model_fields) - {"version"})
    return CommandView.model_validate({**fields, "expires_at": command.expires_at})


def revision_view(revision: ShadowRevision) -> ShadowRevisionView:
    return ShadowRevisionView(
        device_id=revision.device_id,
        side=revision.side,
        revision=revision.version,
        document=revision.document,
        patch=revision.patch,
        at=revision.at,
        actor=revision.actor,
    )

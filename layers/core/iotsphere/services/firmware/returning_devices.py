"""A device that connects again gets its open firmware offers once more. An offer goes out at QoS 1
and waits in the broker for a device with a persistent session, but a device without one (or one
reflashed in between) never sees it and would stay 'offered' for good; its birth is the moment to
offer again, with a URL valid from then.

The birth comes as the device services recorded it (``DeviceBirth``): its topic and status are not
parsed again, nor is the registry asked a second time whose device it is."""

from __future__ import annotations

from iotsphere.services.devices.device_events import DeviceBirth
from iotsphere.services.firmware.offers import reoffer_to_returning_device
from iotsphere.services.firmware.ports import RolloutPorts


def reoffer_on_birth(birth: DeviceBirth, ports: RolloutPorts) -> list[str]:
    """The rollouts whose offer went to the device again (see ``reoffer_to_returning_device``),
    each URL valid from the moment the bridge received the birth."""
    return reoffer_to_returning_device(
        birth.org_id, birth.device_id, ports, birth.at, birth.firmware_version
    )

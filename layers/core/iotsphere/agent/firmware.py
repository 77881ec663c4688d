"""A firmware offer taken from MQTT through ``domain.firmware.apply_offer``: verified before a
byte is installed, installed into the inactive slot, health-checked, committed or rolled back,
every step reported. The running version is remembered only once committed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from iotsphere.agent.memory import AgentState
from iotsphere.agent.transport import MqttTransport, Outgoing
from iotsphere.domain.devices.topics import firmware_status
from iotsphere.domain.firmware.install import InstallState
from iotsphere.domain.firmware.offer import FirmwareOffer, OfferRenewalRequest
from iotsphere.domain.firmware.progress import FirmwareStatusReport
from iotsphere.domain.firmware.signatures import TrustedKey
from iotsphere.domain.firmware.updater import FirmwareSlot, apply_offer
from iotsphere.domain.firmware.verification import DeviceFirmware

RENEWALS_PER_ROLLOUT = 3


@dataclass(frozen=True)
class FirmwareSetup:
    """What the device is and holds: its organization and firmware family, the largest image its
    slot takes, the keys it trusts (the provisioning package's), how it downloads, its A/B slot."""

    org_id: str
    firmware_family: str
    max_image_bytes: int
    trusted: Sequence[TrustedKey]
    fetch: Callable[[str], Iterable[bytes]]
    slot: FirmwareSlot


@dataclass(frozen=True)
class FirmwareResult:
    reports: list[FirmwareStatusReport]
    state: AgentState
    renew: FirmwareOffer | None = None  # the download failed: ask the platform for a fresh offer


def take_offer(
    offer: FirmwareOffer,
    device_id: str,
    state: AgentState,
    setup: FirmwareSetup,
    clock: Callable[[], datetime],
) -> FirmwareResult:
    device = DeviceFirmware(
        org_id=setup.org_id,
        firmware_family=setup.firmware_family,
        current_version=state.firmware_version,
        max_image_bytes=setup.max_image_bytes,
    )
    outcome = apply_offer(offer, device_id, device, setup.trusted, setup.fetch, setup.slot, clock)
    if outcome.attempt is not None and outcome.attempt.state is InstallState.COMMITTED:
        state = state.model_copy(update={"firmware_version": outcome.running_version})
    return FirmwareResult(
        reports=outcome.reports, state=state, renew=offer if outcome.retry_download else None
    )


def renewal_over_mqtt(
    transport: MqttTransport,
    device_id: str,
    clock: Callable[[], datetime],
    limit: int = RENEWALS_PER_ROLLOUT,
) -> Callable[[FirmwareOffer], None]:
    """The ``renew_offer`` handler of a device on MQTT: ask on its firmware status topic, at most
    ``limit`` times per rollout, so a download that keeps failing (the bucket is down) does not
    turn into an endless offer/renew loop; the operator sees the device stay ``downloading``."""
    asked: Counter[str] = Counter()

    def ask(offer: FirmwareOffer) -> None:
        if asked[offer.rollout_id] >= limit:
            return
        asked[offer.rollout_id] += 1
        request = OfferRenewalRequest(
            device_id=device_id,
            rollout_id=offer.rollout_id,
            release_id=offer.release_id,
            at=clock(),
        )
        transport.publish(Outgoing(firmware_status(device_id), request.model_dump_json()))

    return ask

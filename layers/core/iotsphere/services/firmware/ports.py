"""What the firmware services need from outside; adapters implement these, fakes in tests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from iotsphere.domain.firmware.offer import FirmwareOffer
from iotsphere.domain.firmware.progress import DeviceProgress, ProgressState
from iotsphere.domain.firmware.refusals import RefusalCode
from iotsphere.domain.firmware.release import Release
from iotsphere.domain.firmware.rollout import Rollout, RolloutState, RolloutTarget


class ManifestSigner(Protocol):
    """Holds a private key and never hands it out: only signatures and the public half leave."""

    @property
    def key_id(self) -> str: ...

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature of ``message``."""

    def public_key(self) -> bytes:
        """The raw 32-byte public key, for provisioning packages."""


@dataclass(frozen=True)
class ImageInfo:
    size: int
    metadata: Mapping[str, str]


class FirmwareImages(Protocol):
    def describe(self, key: str) -> ImageInfo:
        """Size and user metadata; raises ``ImageNotFoundError``."""

    def read(self, key: str) -> Iterator[bytes]:
        """The image in chunks; raises ``ImageNotFoundError``."""

    def put_manifest(self, key: str, data: bytes) -> None:
        """Store a signed manifest document under ``key``, replacing any."""

    def download_url(self, key: str, expires_in: timedelta) -> str:
        """A URL that fetches the image until ``expires_in`` has passed."""

    def upload_url(self, key: str, expires_in: timedelta, metadata: Mapping[str, str]) -> str:
        """A URL that stores one object under ``key`` (with ``metadata``) until it expires."""


class ReleaseStore(Protocol):
    def add(self, release: Release) -> Release:
        """Store if absent and return what is stored under its id (the first one wins).

        Raises ``ReleaseConflictError`` if the firmware family has another release of that version.
        """

    def get(self, org_id: str, release_id: str) -> Release:
        """Raises ``ReleaseNotFoundError``, for another organization's release too."""

    def find(
        self, org_id: str, firmware_family: str | None = None, limit: int = 100
    ) -> list[Release]:
        """Newest first."""


class DeviceTargets(Protocol):
    """The device registry, seen from a rollout."""

    def resolve(self, org_id: str, target: RolloutTarget, firmware_family: str) -> list[str]:
        """Ids of the organization's devices whose device type has ``firmware_family`` and that
        ``target`` names by id, group or tag (each once). Other organizations' devices, and
        devices of other families, are left out."""


class OfferPublisher(Protocol):
    def offer(self, org_id: str, device_id: str, offer: FirmwareOffer) -> None:
        """Deliver an offer to one device (MQTT, QoS 1); raise ``StoreUnavailableError``."""

    def offer_all(self, org_id: str, device_ids: Sequence[str], offer: FirmwareOffer) -> None:
        """Deliver the same offer to each device, in as few calls as the transport allows; raise
        ``StoreUnavailableError`` (some may have it already: the agent ignores a repeated offer)."""


class RolloutStore(Protocol):
    def create(self, rollout: Rollout, devices: Sequence[DeviceProgress]) -> None:
        """Store a new rollout with the progress of every targeted device, all or nothing;
        raise ``RolloutConflictError`` (changing nothing) if the id is taken."""

    def get(self, org_id: str, rollout_id: str) -> Rollout:
        """Raises ``RolloutNotFoundError``, for another organization's rollout too."""

    def save(self, rollout: Rollout, expected_revision: int) -> None:
        """Replace the stored rollout if its revision is still ``expected_revision``; raise
        ``RolloutStateError`` if it changed meanwhile."""

    def find(
        self,
        org_id: str,
        state: RolloutState | None = None,
        release_id: str | None = None,
        limit: int = 100,
    ) -> list[Rollout]:
        """Newest first."""

    def running(self, limit: int = 1000) -> list[Rollout]:
        """Running rollouts of every organization (for the scheduled sweep)."""

    def pending_devices(self, org_id: str, rollout_id: str, wave: int, limit: int) -> list[str]:
        """Ids of devices of that wave not offered yet."""

    def open_offers(self, org_id: str, device_id: str) -> list[str]:
        """Ids of the rollouts that offered this device an image it has not finished with
        (offered or downloading)."""

    def move(
        self,
        org_id: str,
        rollout_id: str,
        device_ids: Sequence[str],
        to: ProgressState,
        now: datetime,
        code: RefusalCode | None = None,
        detail: str | None = None,
    ) -> int:
        """Move each device to ``to`` if it is in one of ``may_move_from(to)``; the number moved.
        A move that does not apply changes nothing (redelivered or late reports)."""

    def counts(self, org_id: str, rollout_id: str) -> dict[int, dict[ProgressState, int]]:
        """Devices per wave and state."""

    def device(self, org_id: str, rollout_id: str, device_id: str) -> DeviceProgress:
        """Raises ``RolloutNotFoundError`` when the device is not part of that rollout."""

    def devices(
        self,
        org_id: str,
        rollout_id: str,
        state: ProgressState | None,
        after: str | None,
        limit: int,
    ) -> list[DeviceProgress]:
        """Devices of a rollout (in ``state`` if given) by device id, those after ``after``."""


class DeviceDirectory(Protocol):
    def organization_of(self, device_id: str) -> str | None:
        """The organization a device belongs to; None for a device the registry does not know."""


MAX_URL_TTL = timedelta(minutes=15)


@dataclass(frozen=True)
class RolloutPorts:
    """Everything rollouts, offers and reports use; image URLs expire within 15 minutes."""

    releases: ReleaseStore
    rollouts: RolloutStore
    targets: DeviceTargets
    images: FirmwareImages
    offers: OfferPublisher
    url_ttl: timedelta = MAX_URL_TTL

    def __post_init__(self) -> None:
        if not timedelta(0) < self.url_ttl <= MAX_URL_TTL:
            raise ValueError(f"image URLs must expire within {MAX_URL_TTL}")

"""In-memory fakes of the firmware ports."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta

from iotsphere.domain.firmware.offer import FirmwareOffer
from iotsphere.domain.firmware.progress import DeviceProgress, ProgressState, may_move_from
from iotsphere.domain.firmware.refusals import RefusalCode
from iotsphere.domain.firmware.release import Release
from iotsphere.domain.firmware.rollout import Rollout, RolloutState, RolloutTarget
from iotsphere.services.firmware.errors import (
    ImageNotFoundError,
    ReleaseConflictError,
    ReleaseNotFoundError,
    RolloutConflictError,
    RolloutNotFoundError,
    RolloutStateError,
)
from iotsphere.services.firmware.ports import ImageInfo


class FakeImages:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.metadata: dict[str, dict[str, str]] = {}

    def upload(self, key: str, data: bytes, **metadata: str) -> None:
        self.objects[key] = data
        self.metadata[key] = metadata

    def describe(self, key: str) -> ImageInfo:
        if key not in self.objects:
            raise ImageNotFoundError(key)
        return ImageInfo(size=len(self.objects[key]), metadata=self.metadata.get(key, {}))

    def read(self, key: str) -> Iterator[bytes]:
        if key not in self.objects:
            raise ImageNotFoundError(key)
        data = self.objects[key]
        return iter([data[i : i + 4096] for i in range(0, len(data), 4096)])

    def put_manifest(self, key: str, data: bytes) -> None:
        self.objects[key] = data

    def download_url(self, key: str, expires_in: timedelta) -> str:
        return f"https://fake/{key}?expires={int(expires_in.total_seconds())}"

    def upload_url(self, key: str, expires_in: timedelta, metadata: Mapping[str, str]) -> str:
        meta = "".join(f"&{name}={value}" for name, value in sorted(metadata.items()))
        return f"https://fake/{key}?put&expires={int(expires_in.total_seconds())}{meta}"


class FakeReleases:
    def __init__(self) -> None:
        self.releases: dict[str, Release] = {}

    def add(self, release: Release) -> Release:
        stored = self.releases.get(release.release_id)
        if stored is not None:
            return stored
        for other in self.releases.values():
            if (other.org_id, other.firmware_family, other.version) == (
                release.org_id,
                release.firmware_family,
                release.version,
            ):
                raise ReleaseConflictError(f"{release.firmware_family} {release.version} exists")
        self.releases[release.release_id] = release
        return release

    def get(self, org_id: str, release_id: str) -> Release:
        release = self.releases.get(release_id)
        if release is None or release.org_id != org_id:
            raise ReleaseNotFoundError(release_id)
        return release

    def find(
        self, org_id: str, firmware_family: str | None = None, limit: int = 100
    ) -> list[Release]:
        found = [
            r
            for r in self.releases.values()
            if r.org_id == org_id and firmware_family in (None, r.firmware_family)
        ]
        return sorted(found, key=lambda r: r.created_at, reverse=True)[:limit]


class FakeTargets:
    """Devices as (org, type, groups, tags)."""

    def __init__(self) -> None:
        self.devices: dict[str, tuple[str, str, set[str], set[str]]] = {}

    def add(
        self,
        device_id: str,
        org_id: str = "acme",
        firmware_family: str = "pump-v2",
        groups: tuple[str, ...] = (),
        tags: tuple[str, ...] = (),
    ) -> None:
        self.devices[device_id] = (org_id, firmware_family, set(groups), set(tags))

    def resolve(self, org_id: str, target: RolloutTarget, firmware_family: str) -> list[str]:
        return [
            device_id
            for device_id, (org, kind, groups, tags) in self.devices.items()
            if org == org_id
            and kind == firmware_family
            and (
                device_id in target.device_ids
                or groups & set(target.groups)
                or tags & set(target.tags)
            )
        ]


class FakeOffers:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, FirmwareOffer]] = []

    def offer(self, org_id: str, device_id: str, offer: FirmwareOffer) -> None:
        self.sent.append((org_id, device_id, offer))

    def offer_all(self, org_id: str, device_ids: Sequence[str], offer: FirmwareOffer) -> None:
        for device_id in device_ids:
            self.offer(org_id, device_id, offer)

    def devices(self) -> list[str]:
        return [device_id for _, device_id, _ in self.sent]


class FakeRollouts:
    def __init__(self) -> None:
        self.rollouts: dict[str, Rollout] = {}
        self.progress: dict[tuple[str, str], DeviceProgress] = {}

    def create(self, rollout: Rollout, devices: Sequence[DeviceProgress]) -> None:
        if rollout.rollout_id in self.rollouts:
            raise RolloutConflictError(rollout.rollout_id)
        for device in devices:
            self.progress[(rollout.rollout_id, device.device_id)] = device
        self.rollouts[rollout.rollout_id] = rollout

    def get(self, org_id: str, rollout_id: str) -> Rollout:
        rollout = self.rollouts.get(rollout_id)
        if rollout is None or rollout.org_id != org_id:
            raise RolloutNotFoundError(rollout_id)
        return rollout

    def save(self, rollout: Rollout, expected_revision: int) -> None:
        if self.get(rollout.org_id, rollout.rollout_id).revision != expected_revision:
            raise RolloutStateError("changed meanwhile")
        self.rollouts[rollout.rollout_id] = rollout

    def find(
        self,
        org_id: str,
        state: RolloutState | None = None,
        release_id: str | None = None,
        limit: int = 100,
    ) -> list[Rollout]:
        found = [
            r
            for r in self.rollouts.values()
            if r.org_id == org_id
            and state in (None, r.state)
            and release_id in (None, r.release_id)
        ]
        return sorted(found, key=lambda r: r.created_at, reverse=True)[:limit]

    def running(self, limit: int = 1000) -> list[Rollout]:
        return [r for r in self.rollouts.values() if r.state is RolloutState.RUNNING][:limit]

    def _mine(self, org_id: str, rollout_id: str) -> list[DeviceProgress]:
        return [
            p for (rid, _), p in self.progress.items() if rid == rollout_id and p.org_id == org_id
        ]

    def open_offers(self, org_id: str, device_id: str) -> list[str]:
        open_states = (ProgressState.OFFERED, ProgressState.DOWNLOADING)
        return sorted(
            p.rollout_id
            for p in self.progress.values()
            if p.org_id == org_id and p.device_id == device_id and p.state in open_states
        )

    def pending_devices(self, org_id: str, rollout_id: str, wave: int, limit: int) -> list[str]:
        return [
            p.device_id
            for p in self._mine(org_id, rollout_id)
            if p.wave == wave and p.state is ProgressState.PENDING
        ][:limit]

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
        moved = 0
        for device_id in device_ids:
            current = self.progress.get((rollout_id, device_id))
            if current is None or current.org_id != org_id:
                continue
            if current.state in may_move_from(to):
                self.progress[(rollout_id, device_id)] = current.model_copy(
                    update={"state": to, "code": code, "detail": detail, "updated_at": now}
                )
                moved += 1
        return moved

    def counts(self, org_id: str, rollout_id: str) -> dict[int, dict[ProgressState, int]]:
        counts: dict[int, dict[ProgressState, int]] = {}
        for p in self._mine(org_id, rollout_id):
            wave = counts.setdefault(p.wave, {})
            wave[p.state] = wave.get(p.state, 0) + 1
        return counts

    def devices(
        self,
        org_id: str,
        rollout_id: str,
        state: ProgressState | None,
        after: str | None,
        limit: int,
    ) -> list[DeviceProgress]:
        found = sorted(
            (p for p in self._mine(org_id, rollout_id) if state in (None, p.state)),
            key=lambda p: p.device_id,
        )
        return [p for p in found if after is None or p.device_id > after][:limit]

    def device(self, org_id: str, rollout_id: str, device_id: str) -> DeviceProgress:
        found = self.progress.get((rollout_id, device_id))
        if found is None or found.org_id != org_id:
            raise RolloutNotFoundError(f"device {device_id} is not in rollout {rollout_id}")
        return found


class FakeDirectory:
    def __init__(self, organizations: dict[str, str]) -> None:
        self.organizations = organizations

    def organization_of(self, device_id: str) -> str | None:
        return self.organizations.get(device_id)

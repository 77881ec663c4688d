from datetime import timedelta

from iotsphere.domain.firmware.errors import DownloadError, SlotError
from iotsphere.domain.firmware.install import InstallState
from iotsphere.domain.firmware.offer import FirmwareOffer
from iotsphere.domain.firmware.refusals import RefusalCode
from iotsphere.domain.firmware.updater import apply_offer
from tests.unit.firmware.factories import IMAGE, IMAGE_KEY, NOW, KeyPair, device, manifest

KEY = KeyPair()


class FakeSlot:
    def __init__(self, boots: bool = True, problem: str | None = None) -> None:
        self.written = b""
        self.boots = boots
        self.problem = problem
        self.events: list[str] = []

    def write(self, chunk: bytes) -> None:
        self.written += chunk

    def activate(self) -> None:
        self.events.append("activate")
        if not self.boots:
            raise SlotError("the new image does not boot")

    def health_check(self) -> str | None:
        self.events.append("health_check")
        return self.problem

    def rollback(self) -> None:
        self.events.append("rollback")


def offer() -> FirmwareOffer:
    return FirmwareOffer(
        rollout_id="ro-1",
        release_id="rel-1",
        image_key=IMAGE_KEY,
        image_url="https://s3/image?sig",
        url_expires_at=NOW + timedelta(minutes=15),
        signed=KEY.sign(manifest()),
    )


def fetch(data: bytes = IMAGE):
    def chunks(url: str):
        assert url == "https://s3/image?sig"
        return [data[i : i + 1000] for i in range(0, len(data), 1000)]

    return chunks


def run(slot, data=IMAGE, on=None, fetcher=None):
    return apply_offer(
        offer(),
        "pump-001",
        on or device(),
        [KEY.trusted],
        fetcher or fetch(data),
        slot,
        lambda: NOW,
    )


def states(outcome):
    return [(r.state, r.code) for r in outcome.reports]


def test_a_healthy_update_is_committed_and_reported_step_by_step():
    slot = FakeSlot()
    outcome = run(slot)
    assert slot.written == IMAGE
    assert slot.events == ["activate", "health_check"]
    assert outcome.running_version == "1.3.0"
    assert states(outcome) == [("downloading", None), ("installed", None), ("healthy", None)]


def test_a_refused_offer_downloads_nothing_and_keeps_the_version():
    slot = FakeSlot()
    outcome = run(slot, on=device(current_version="1.3.0"))
    assert (slot.written, slot.events, outcome.running_version) == (b"", [], "1.3.0")
    assert states(outcome) == [("failed", RefusalCode.ANTI_ROLLBACK)]


def test_a_bad_image_is_never_booted():
    slot = FakeSlot()
    outcome = run(slot, data=IMAGE[::-1])
    assert slot.events == []
    assert states(outcome) == [("downloading", None), ("failed", RefusalCode.HASH_MISMATCH)]
    assert outcome.running_version == "1.2.9"


def test_an_image_that_does_not_boot_rolls_back():
    slot = FakeSlot(boots=False)
    outcome = run(slot)
    assert slot.events == ["activate", "rollback"]
    assert outcome.attempt.state is InstallState.ROLLED_BACK
    assert states(outcome) == [("downloading", None), ("rolled_back", None)]
    assert outcome.reports[-1].detail == "install failed: the new image does not boot"


def test_a_failed_health_check_rolls_back_to_the_old_version():
    slot = FakeSlot(problem="no telemetry after boot")
    outcome = run(slot)
    assert slot.events == ["activate", "health_check", "rollback"]
    assert outcome.running_version == "1.2.9"
    assert states(outcome)[-1] == ("rolled_back", None)


def test_a_failed_download_asks_for_a_fresh_offer_and_reports_no_failure():
    def broken(url):
        raise DownloadError("403: the URL expired")

    outcome = run(FakeSlot(), fetcher=broken)
    assert outcome.retry_download
    assert states(outcome) == [("downloading", None)]


def test_an_offer_whose_url_expired_is_verified_then_renewed_without_a_download():
    def never(url):
        raise AssertionError("an expired URL is not fetched")

    late = offer().model_copy(update={"url_expires_at": NOW})
    outcome = apply_offer(late, "pump-001", device(), [KEY.trusted], never, FakeSlot(), lambda: NOW)
    assert (outcome.retry_download, outcome.reports) == (True, [])


def test_an_expired_url_does_not_hide_a_refusal():
    late = offer().model_copy(update={"url_expires_at": NOW})
    outcome = apply_offer(
        late,
        "pump-001",
        device(current_version="1.3.0"),
        [KEY.trusted],
        fetch(),
        FakeSlot(),
        lambda: NOW,
    )
    assert not outcome.retry_download
    assert states(outcome) == [("failed", RefusalCode.ANTI_ROLLBACK)]

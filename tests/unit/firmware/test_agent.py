from datetime import timedelta

import pytest

from iotsphere.domain.firmware.agent import (
    accept_offer,
    downloading_report,
    install_report,
    refusal_report,
)
from iotsphere.domain.firmware.errors import FirmwareRefusedError
from iotsphere.domain.firmware.install import InstallAttempt
from iotsphere.domain.firmware.offer import FirmwareOffer
from iotsphere.domain.firmware.refusals import RefusalCode
from iotsphere.domain.firmware.verification import verify_image
from tests.unit.firmware.factories import IMAGE, IMAGE_KEY, NOW, KeyPair, device, manifest

KEY = KeyPair()


def offer(**changes) -> FirmwareOffer:
    fields = {
        "rollout_id": "ro-1",
        "release_id": "rel-1",
        "image_key": IMAGE_KEY,
        "image_url": "https://s3/firmware?sig",
        "url_expires_at": NOW + timedelta(minutes=15),
        "signed": KEY.sign(manifest()),
    }
    return FirmwareOffer(**{**fields, **changes})


def test_an_offer_is_accepted_and_its_image_verified_under_the_offered_key():
    accepted = accept_offer(offer(), [KEY.trusted], device(), NOW)
    verify_image(accepted, offer().image_key, [IMAGE])


@pytest.mark.parametrize(
    "changes",
    [{"release_id": "rel-2"}, {"image_key": "firmware/acme/pump-v2/1.4.0/pump.bin"}],
)
def test_an_offer_pairing_another_releases_image_is_refused(changes):
    with pytest.raises(FirmwareRefusedError) as caught:
        accept_offer(offer(**changes), [KEY.trusted], device(), NOW)
    assert caught.value.code is RefusalCode.RELEASE_MISMATCH


def test_a_refusal_reports_failed_with_its_code_and_the_version_kept():
    with pytest.raises(FirmwareRefusedError) as caught:
        accept_offer(offer(), [KEY.trusted], device(current_version="1.3.0"), NOW)
    report = refusal_report(offer(), "pump-001", caught.value, "1.3.0", NOW)
    assert (report.state, report.code, report.running_version) == (
        "failed",
        RefusalCode.ANTI_ROLLBACK,
        "1.3.0",
    )
    assert report.detail == "version 1.3.0 is the same as the running 1.3.0"


def test_install_steps_become_reports():
    attempt = InstallAttempt(release_id="rel-1", from_version="1.2.9", to_version="1.3.0")
    assert install_report(offer(), "pump-001", attempt, NOW) is None
    checking = attempt.installed(NOW)
    assert install_report(offer(), "pump-001", checking, NOW).state == "installed"
    healthy = install_report(offer(), "pump-001", checking.health_passed(NOW), NOW)
    assert (healthy.state, healthy.running_version) == ("healthy", "1.3.0")
    back = install_report(offer(), "pump-001", checking.health_failed("boot loop"), NOW)
    assert (back.state, back.running_version, back.detail) == (
        "rolled_back",
        "1.2.9",
        "health check failed: boot loop",
    )
    assert downloading_report(offer(), "pump-001", NOW).state == "downloading"

import pytest
from pydantic import ValidationError

from iotsphere.services.firmware.errors import ReleaseConflictError
from iotsphere.services.firmware.uploads import UploadRequest, request_upload
from tests.unit.firmware.factories import NOW
from tests.unit.firmware.fakes import FakeImages, FakeReleases
from tests.unit.firmware.scenario import RELEASE


def test_an_upload_url_is_for_the_callers_organization_only():
    request = UploadRequest(
        firmware_family="pump-v2", version="1.4.0", file_name="pump.bin", min_version="1.2.0"
    )
    ticket = request_upload("acme", request, FakeImages(), FakeReleases(), NOW)
    assert ticket.image_key == "firmware/acme/pump-v2/1.4.0/pump.bin"
    assert ticket.upload_url.startswith("https://fake/firmware/acme/pump-v2/1.4.0/pump.bin?put")
    assert ticket.upload_url.endswith("expires=900&min-version=1.2.0")


def test_a_released_version_is_refused_before_the_upload():
    releases = FakeReleases()
    releases.add(RELEASE)
    request = UploadRequest(firmware_family="pump-v2", version="1.3.0", file_name="pump.bin")
    with pytest.raises(ReleaseConflictError, match="released already"):
        request_upload("acme", request, FakeImages(), releases, NOW)
    assert request_upload("globex", request, FakeImages(), releases, NOW).image_key.startswith(
        "firmware/globex/"
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"version": "1.4"},
        {"file_name": "../escape.bin"},
        {"file_name": "a/b.bin"},
        {"firmware_family": "$where"},
        {"min_version": "latest"},
    ],
)
def test_a_request_breaking_a_rule_is_refused(fields):
    with pytest.raises(ValidationError):
        UploadRequest(
            **{"firmware_family": "pump-v2", "version": "1.4.0", "file_name": "p.bin"} | fields
        )

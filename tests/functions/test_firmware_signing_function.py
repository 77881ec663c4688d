"""The firmware signing function on S3 notifications from its queue, with moto's S3 and the
key-file signer."""

import json
from collections.abc import Iterator

import boto3
import pytest
from chalice import Chalice
from chalice.test import Client
from moto import mock_aws

from chalicelib import firmware_signing
from iotsphere import bootstrap
from iotsphere.adapters.file_manifest_signer import FileManifestSigner, generate_key_file
from iotsphere.adapters.s3_firmware_images import S3FirmwareImages
from iotsphere.domain.firmware.signatures import SignedManifest, TrustedKey
from iotsphere.domain.firmware.verification import verify_update
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.firmware.errors import SigningKeyError
from iotsphere.services.firmware.signing import SigningPolicy, SigningPorts
from iotsphere.settings import Settings
from tests.sample_events import load_event
from tests.unit.firmware.factories import IMAGE, NOW, device
from tests.unit.firmware.fakes import FakeReleases

BUCKET = Settings().firmware_bucket
KEY = "firmware/acme/pump-v2/1.3.0/pump+boot.bin"


@pytest.fixture
def s3(monkeypatch) -> Iterator[object]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


@pytest.fixture
def ports(s3, tmp_path, monkeypatch):
    key_file = tmp_path / "firmware.pem"
    generate_key_file(key_file)
    fakes = SigningPorts(
        images=S3FirmwareImages(s3, BUCKET),
        releases=FakeReleases(),
        signer=FileManifestSigner.from_file(key_file),
        policy=SigningPolicy(max_image_bytes=len(IMAGE) * 2),
    )
    monkeypatch.setattr(bootstrap, "signing_ports", lambda: fakes)
    return fakes


@pytest.fixture
def client() -> Iterator[Client]:
    app = Chalice(app_name="firmware-signing-test")
    app.register_blueprint(firmware_signing.bp)
    with Client(app) as test_client:
        yield test_client


def queued(*notifications: dict) -> dict:
    """S3 notifications as the firmware-uploads queue delivers them, one per record."""
    template = load_event("firmware_sqs_uploads.json")["Records"][0]
    return {
        "Records": [
            {**template, "messageId": f"m-{index}", "body": json.dumps(notification)}
            for index, notification in enumerate(notifications)
        ]
    }


def sign(client: Client, *notifications: dict) -> None:
    response = client.lambda_.invoke("sign_uploaded_firmware", queued(*notifications))
    assert response.payload == {"batchItemFailures": []}


def test_an_uploaded_image_gets_a_signed_manifest_and_a_release(client, s3, ports):
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=IMAGE)
    sign(client, load_event("firmware_image_uploaded.json"))
    (release,) = ports.releases.releases.values()
    assert (release.org_id, release.firmware_family, release.version, release.image_key) == (
        "acme",
        "pump-v2",
        "1.3.0",
        KEY,
    )
    stored = s3.get_object(Bucket=BUCKET, Key=KEY + ".manifest.json")["Body"].read()
    signed = SignedManifest.model_validate_json(stored)
    trusted = [TrustedKey.of(ports.signer.public_key())]
    image = s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()
    accepted = verify_update(signed, trusted, device(), NOW, KEY, [image])
    assert accepted.release_id == release.release_id


def test_a_redelivered_event_records_one_release(client, s3, ports):
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=IMAGE)
    event = load_event("firmware_image_uploaded.json")
    sign(client, event)
    first = s3.get_object(Bucket=BUCKET, Key=KEY + ".manifest.json")["Body"].read()
    sign(client, event)
    assert len(ports.releases.releases) == 1
    assert s3.get_object(Bucket=BUCKET, Key=KEY + ".manifest.json")["Body"].read() == first


def test_the_manifest_write_that_fires_the_function_again_is_skipped(client, s3, ports):
    sign(client, load_event("firmware_manifest_written.json"))
    assert ports.releases.releases == {}


def test_an_upload_that_cannot_be_a_release_is_dropped_with_the_reason(client, s3, ports, caplog):
    event = load_event("firmware_image_uploaded.json")
    event["Records"][0]["s3"]["object"]["key"] = "firmware/acme/pump.bin"
    s3.put_object(Bucket=BUCKET, Key="firmware/acme/pump.bin", Body=IMAGE)
    sign(client, event)
    assert ports.releases.releases == {}
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 1
    assert [(r.getMessage(), r.reason.split(" is ")[-1]) for r in caplog.records] == [
        ("upload not signed", "not firmware/<organization>/<firmware family>/<version>/<file>")
    ]


def test_a_missing_image_is_dropped(client, s3, ports):
    sign(client, load_event("firmware_image_uploaded.json"))
    assert ports.releases.releases == {}


def test_without_a_key_file_nothing_is_signed(monkeypatch):
    monkeypatch.setattr(bootstrap, "settings", lambda: Settings(firmware_key_file=""))
    bootstrap.signing_ports.cache_clear()
    with pytest.raises(SigningKeyError, match="IOTSPHERE_FIRMWARE_KEY_FILE is not set"):
        bootstrap.signing_ports()


def test_settings_come_from_the_environment():
    settings = Settings.from_env(
        {"IOTSPHERE_FIRMWARE_KEY_FILE": "/k.pem", "IOTSPHERE_FIRMWARE_VALIDITY_DAYS": "30"}
    )
    assert (
        settings.firmware_key_file,
        settings.firmware_validity_days,
        settings.firmware_max_image_mb,
    ) == ("/k.pem", 30, 256)


def test_uploads_through_the_queue_are_signed_and_the_test_event_ignored(client, s3, ports):
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=IMAGE)
    response = client.lambda_.invoke(
        "sign_uploaded_firmware", load_event("firmware_sqs_uploads.json")
    )
    assert response.payload == {"batchItemFailures": []}
    (release,) = ports.releases.releases.values()
    assert release.image_key == KEY


def test_a_store_outage_returns_only_that_record_to_the_queue(client, s3, ports, monkeypatch):
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=IMAGE)

    def unavailable(release):
        raise StoreUnavailableError("MongoDB is down")

    monkeypatch.setattr(ports.releases, "add", unavailable)
    event = load_event("firmware_sqs_uploads.json")
    response = client.lambda_.invoke("sign_uploaded_firmware", event)
    assert response.payload == {
        "batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]
    }


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        '["a list"]',
        '{"Records": [{"eventName": "ObjectRemoved:Delete", "s3": {"bucket": '
        '{"name": "iotsphere-firmware"}, "object": {"key": "firmware/a/b/1.0.0/x.bin"}}}]}',
        '{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": '
        '{"name": "elsewhere"}, "object": {"key": "firmware/a/b/1.0.0/x.bin"}}}]}',
    ],
)
def test_notifications_that_create_no_firmware_object_give_no_key(body):
    assert firmware_signing.uploaded_keys(body) == []


def test_keys_in_notifications_are_url_decoded():
    body = json.dumps(load_event("firmware_image_uploaded.json"))
    assert firmware_signing.uploaded_keys(body) == [KEY]

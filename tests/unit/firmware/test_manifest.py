import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from iotsphere.domain.firmware.errors import InvalidManifestError
from iotsphere.domain.firmware.manifest import canonical_bytes, manifest_key, parse_manifest
from tests.unit.firmware.factories import NOW, manifest


def test_canonical_form_is_sorted_compact_ascii_with_whole_utc_seconds():
    made = manifest(
        created_at=datetime(2026, 11, 27, 5, 0, 0, 999_000, tzinfo=timezone(timedelta(hours=2)))
    )
    text = canonical_bytes(made).decode("ascii")
    assert " " not in text
    decoded = json.loads(text)
    assert list(decoded) == sorted(decoded)
    assert decoded["created_at"] == "2026-11-27T03:00:00Z"
    assert decoded["v"] == 1
    assert decoded["min_version"] is None


def test_the_canonical_bytes_parse_back_to_the_same_manifest():
    made = manifest(min_version="1.0.0")
    again = parse_manifest(canonical_bytes(made))
    assert again == made
    assert canonical_bytes(again) == canonical_bytes(made)


@pytest.mark.parametrize(
    "changes",
    [
        {"version": "1.3"},
        {"image_sha256": "AB" * 32},
        {"image_size": 0},
        {"expires_at": NOW - timedelta(days=1)},
        {"created_at": datetime(2026, 11, 27)},
        {"min_version": "2.0.0"},
        {"firmware_family": "pump v2"},
    ],
)
def test_a_manifest_breaking_a_rule_is_not_built(changes):
    with pytest.raises(ValidationError):
        manifest(**changes)


def test_unknown_fields_are_refused_when_parsing():
    data = json.loads(canonical_bytes(manifest()))
    data["extra"] = 1
    with pytest.raises(InvalidManifestError, match="not a firmware manifest"):
        parse_manifest(json.dumps(data))


def test_the_manifest_lives_next_to_its_image():
    assert manifest_key("firmware/a/b/1.0.0/x.bin") == "firmware/a/b/1.0.0/x.bin.manifest.json"


def test_timestamps_are_utc():
    assert manifest().created_at.tzinfo == UTC

"""Metadata keys become MongoDB field paths (``metadata.<key>``) in searches and keys of stored
documents: one rule refuses the keys MongoDB would read as an operator or a path, or cannot hold."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from iotsphere.domain.devices.fields import check_metadata_key
from iotsphere.domain.devices.messages import DeviceChanges, NewDevice
from iotsphere.domain.devices.search import DeviceSearch


@pytest.mark.parametrize("key", ["site", "Site name", "a$b", "lieu-ü", "k" * 64, "org_id", "_id"])
def test_a_key_mongodb_reads_as_one_field_is_accepted(key):
    assert check_metadata_key(key) == key


@pytest.mark.parametrize(
    ("key", "quoted"),
    [
        ("", "''"),
        ("k" * 65, "'" + "k" * 64),
        ("$where", "'$where'"),
        ("a.b", "'a.b'"),
        ("\x00x", "'\\u0000x'"),
        ("x\x00", "'x\\u0000'"),
    ],
)
def test_a_key_that_is_an_operator_a_path_or_unstorable_is_refused_quoting_it(key, quoted):
    with pytest.raises(ValueError, match="metadata keys are 1-64 characters") as refused:
        check_metadata_key(key)
    assert f"not {quoted}" in str(refused.value)


@pytest.mark.parametrize(
    "build",
    [
        lambda meta: DeviceSearch(metadata=meta),
        lambda meta: NewDevice(name="t1", device_type="thermo", metadata=meta),
        lambda meta: DeviceChanges(metadata=meta),
    ],
)
def test_searches_and_stored_metadata_follow_the_one_rule(build):
    with pytest.raises(ValidationError, match="metadata keys are"):
        build({"\x00x": "1"})
    assert build({"site": "lyon"}).metadata == {"site": "lyon"}

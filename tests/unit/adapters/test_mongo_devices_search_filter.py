"""Whatever a valid ``DeviceSearch`` holds, its MongoDB filter encodes as BSON, names only fields
of the device document and keeps the caller's organization: no metadata key reaches another field
or becomes an operator."""

from __future__ import annotations

from datetime import UTC, datetime

import bson
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from iotsphere.adapters.mongo_devices import search_filter
from iotsphere.domain.devices.search import DeviceSearch

FIELDS = {
    "org_id",
    "_id",
    "name",
    "status",
    "tags",
    "groups",
    "device_type",
    "firmware_version",
    "serial",
    "first_seen",
    "last_seen",
}
TIMES = st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30), timezones=st.just(UTC))
# short keys of what MongoDB reads specially, and any key at all
KEYS = st.text(st.sampled_from("\x00$.=_aé"), max_size=6) | st.text(max_size=70)


def searches() -> st.SearchStrategy[DeviceSearch | None]:
    def built(
        metadata: dict[str, str], after: datetime | None, name: str | None
    ) -> DeviceSearch | None:
        try:
            return DeviceSearch(metadata=metadata, first_seen_after=after, name_prefix=name)
        except ValidationError:
            return None  # refused by the domain: never reaches the adapter

    return st.builds(
        built,
        st.dictionaries(KEYS, st.text(max_size=40), max_size=4),
        st.none() | TIMES,
        st.none() | st.text(min_size=1, max_size=20),
    )


@given(searches())
def test_every_valid_search_is_a_filter_mongodb_takes_on_the_callers_devices(search):
    assume(search is not None)
    where = search_filter("org1", search)
    bson.encode(where)
    assert where["org_id"] == "org1"
    metadata_paths = {f"metadata.{key}" for key in search.metadata}
    assert set(where) <= FIELDS | metadata_paths
    for path in metadata_paths:
        assert path.count(".") == 1
        assert not path.removeprefix("metadata.").startswith("$")
        assert where[path] == search.metadata[path.removeprefix("metadata.")]

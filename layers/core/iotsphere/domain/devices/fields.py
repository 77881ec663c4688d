"""Field types of device records: ids, names, tags, groups, metadata."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints

# A device id is the MQTT username, the client id and a topic level: no / + # and no spaces.
DEVICE_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{2,63}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,63}$"
LABEL_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:=-]{0,63}$"
MAX_METADATA_KEYS = 50
MAX_METADATA_VALUE_CHARS = 256
MAX_LABELS = 50
MAX_DOCUMENT_DEPTH = 16
MAX_METADATA_KEY_CHARS = 64
METADATA_KEY_RULE = "1-64 characters, not starting with '$', without '.' or NUL"


def quoted(text: str, limit: int = 64) -> str:
    """Text from a request as an error message quotes it: escaped (a NUL reads \\u0000), cut."""
    return "'" + json.dumps(text[:limit])[1:-1] + "'"


def check_metadata_key(key: str) -> str:
    """A metadata key is a MongoDB field of ``metadata`` (stored, and searched as
    ``metadata.<key>``): a leading ``$`` would be an operator, a ``.`` a path to another field,
    and BSON cannot hold a NUL in a key."""
    too_long = len(key) > MAX_METADATA_KEY_CHARS
    if not key or too_long or key.startswith("$") or "." in key or "\x00" in key:
        raise ValueError(f"metadata keys are {METADATA_KEY_RULE}; not {quoted(key)}")
    return key


def check_metadata(value: dict[str, str]) -> dict[str, str]:
    if len(value) > MAX_METADATA_KEYS:
        raise ValueError(f"{len(value)} metadata keys; at most {MAX_METADATA_KEYS}")
    for key, item in value.items():
        check_metadata_key(key)
        if len(item) > MAX_METADATA_VALUE_CHARS:
            raise ValueError(f"metadata {key!r} is longer than {MAX_METADATA_VALUE_CHARS}")
    return value


def check_document_keys(value: dict[str, Any], path: str = "$") -> dict[str, Any]:
    """Free JSON documents (configuration, command parameters and results) are stored as they
    are: no member name may start with ``$``, hold a ``.`` or a NUL, and nesting stops at 16."""
    if path.count(".") > MAX_DOCUMENT_DEPTH:
        raise ValueError(f"{path}: nested deeper than {MAX_DOCUMENT_DEPTH} levels")
    for key, item in value.items():
        if not key or key.startswith("$") or "." in key or "\x00" in key or len(key) > 128:
            raise ValueError(
                f"{path}: member name {key[:64]!r} must be 1-128 characters, "
                "not start with $ and hold no . or NUL"
            )
        items = item if isinstance(item, list) else [item]
        for element in items:
            if isinstance(element, dict):
                check_document_keys(element, f"{path}.{key}")
    return value


def check_labels(value: list[str]) -> list[str]:
    """Tags and groups: unique, sorted, capped in number."""
    if len(value) > MAX_LABELS:
        raise ValueError(f"{len(value)} labels; at most {MAX_LABELS}")
    return sorted(set(value))


DeviceId = Annotated[str, StringConstraints(pattern=DEVICE_ID_PATTERN)]
OrgId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{1,40}$")]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Label = Annotated[str, StringConstraints(pattern=LABEL_PATTERN)]
Labels = Annotated[list[Label], AfterValidator(check_labels)]
DeviceName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Metadata = Annotated[
    dict[str, Annotated[str, StringConstraints(max_length=1024)]], AfterValidator(check_metadata)
]
Document = Annotated[dict[str, Any], AfterValidator(check_document_keys)]

"""JSON merge patch (RFC 7396) and its inverse view, the delta between two documents."""

from __future__ import annotations

import copy
from typing import Any


def apply_merge_patch(target: Any, patch: Any) -> Any:
    """``target`` with ``patch`` merged in: null removes a member, an object merges, anything
    else replaces. Neither argument is changed."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = apply_merge_patch(result.get(key), value)
    return result


def delta(desired: dict[str, Any], reported: dict[str, Any]) -> dict[str, Any]:
    """What of ``desired`` the device has not reported yet: members that are missing or differ,
    nested objects compared member by member. Members only the device reports are not part of it."""
    result: dict[str, Any] = {}
    for key, want in desired.items():
        have = reported.get(key)
        if isinstance(want, dict) and isinstance(have, dict):
            nested = delta(want, have)
            if nested:
                result[key] = nested
        elif key not in reported or not _same(want, have):
            result[key] = copy.deepcopy(want)
    return result


def _same(left: Any, right: Any) -> bool:
    """JSON equality: ``1 == 1.0`` but ``True != 1``."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    return bool(left == right)

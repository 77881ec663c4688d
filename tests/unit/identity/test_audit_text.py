"""Audit entries keep over-long text as a prefix, a marker and the digest of the whole, so an entry
is never lost for its input and is still found by the full value."""

from __future__ import annotations

import hashlib

import pytest
from pydantic import ValidationError

from iotsphere.domain.identity.audit import (
    MAX_FILTER_CHARS,
    MAX_TEXT_CHARS,
    AuditEntry,
    AuditFilter,
    fit_text,
)
from tests.unit.identity.conftest import NOW


def entry(**fields: object) -> AuditEntry:
    return AuditEntry.model_validate(
        {"at": NOW, "org_id": "o1", "actor_kind": "user", "actor_id": "u1", "action": "a.b"}
        | fields
    )


def test_text_that_fits_is_kept_as_it_is():
    exact = "x" * MAX_TEXT_CHARS
    assert fit_text(exact) == exact
    assert fit_text("") == ""


def test_over_long_text_keeps_a_prefix_its_length_and_the_digest_of_the_whole():
    long = "é" * 1000
    fitted = fit_text(long)
    assert len(fitted) <= MAX_TEXT_CHARS
    assert fitted.startswith("é" * 200)
    assert "1000 characters" in fitted
    assert hashlib.sha256(long.encode()).hexdigest() in fitted


def test_two_long_values_with_one_prefix_stay_apart_and_fitting_twice_changes_nothing():
    first, second = fit_text("a" * 400 + "1"), fit_text("a" * 400 + "2")
    assert first != second
    assert fit_text(first) == first


@pytest.mark.parametrize(
    "field", ["actor_id", "target_type", "target_id", "client_address", "path", "request_id"]
)
def test_an_entry_with_over_long_text_is_made_not_refused(field):
    made = entry(**{field: "z" * 5000})
    assert getattr(made, field) == fit_text("z" * 5000)


def test_over_long_details_are_fitted_too():
    made = entry(details={"reason": "r" * 1000})
    assert made.details["reason"] == fit_text("r" * 1000)


def test_a_stored_entry_reads_back_unchanged():
    made = entry(target_id="t" * 400)
    assert AuditEntry.model_validate(made.model_dump()) == made


def test_the_filter_of_a_full_value_is_the_stored_value():
    long = "d" * 400
    assert AuditFilter(target_id=long).target_id == entry(target_id=long).target_id
    assert AuditFilter(actor_id=long).actor_id == entry(actor_id=long).actor_id


def test_a_filter_value_has_a_limit_still():
    with pytest.raises(ValidationError, match="target_id"):
        AuditFilter(target_id="x" * (MAX_FILTER_CHARS + 1))


def test_text_utf_8_cannot_hold_is_kept_readable_rather_than_failing_the_store():
    made = entry(client_address="10.0.0.1\ud800", details={"name": "\udcff" * 400})
    made.model_dump_json()  # encodes: a lone surrogate no longer stops the entry
    assert made.client_address == "10.0.0.1?"
    assert len(made.details["name"]) <= MAX_TEXT_CHARS

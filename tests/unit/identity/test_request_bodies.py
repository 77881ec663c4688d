"""Bodies hold only what their operation owns: no mass assignment, no operators, no secrets."""

import pytest

from iotsphere.domain.identity.requests import (
    AcceptInvitation,
    InviteUser,
    LoginRequest,
    NewApiKey,
    PasswordChange,
    ProfileUpdate,
)
from iotsphere.domain.identity.views import ApiKeyView, UserView
from iotsphere.services.identity.errors import InvalidInputError
from iotsphere.services.identity.inputs import parse_input


@pytest.mark.parametrize(
    ("model", "body", "field"),
    [
        (ProfileUpdate, {"display_name": "x", "role": "admin"}, "role"),
        (ProfileUpdate, {"display_name": "x", "org_id": "o2"}, "org_id"),
        (ProfileUpdate, {"display_name": "x", "password_hash": "h"}, "password_hash"),
        (NewApiKey, {"name": "k", "role": "viewer", "secret_hash": "h"}, "secret_hash"),
        (NewApiKey, {"name": "k", "role": "viewer", "org_id": "o2"}, "org_id"),
        (InviteUser, {"email": "a@b.test", "role": "viewer", "invited_by": "u"}, "invited_by"),
        (
            AcceptInvitation,
            {"token": "t", "display_name": "d", "password": "p" * 12, "role": "admin"},
            "role",
        ),
    ],
)
def test_fields_an_operation_does_not_own_are_refused(model, body, field):
    with pytest.raises(InvalidInputError) as refused:
        parse_input(model, body)
    assert refused.value.field == field


@pytest.mark.parametrize(
    "body",
    [
        {"email": {"$ne": None}, "password": "x"},
        {"email": "a@b.test", "password": {"$gt": ""}},
        {"email": ["a@b.test"], "password": "x"},
        {"email": 1, "password": "x"},
    ],
)
def test_operators_and_other_non_strings_never_pass_as_credentials(body):
    with pytest.raises(InvalidInputError):
        parse_input(LoginRequest, body)


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "at least 12"), (" " * 12, "only spaces"), ("x" * 257, "at most 256")],
)
def test_new_passwords_follow_the_rules(password, message):
    with pytest.raises(InvalidInputError, match=message) as refused:
        parse_input(PasswordChange, {"current_password": "old", "new_password": password})
    assert refused.value.field == "new_password"


@pytest.mark.parametrize("email", ["plain", "a@b", "a b@c.test", "@c.test", "a@@c.test"])
def test_an_invitation_needs_an_e_mail_address(email):
    with pytest.raises(InvalidInputError) as refused:
        parse_input(InviteUser, {"email": email, "role": "viewer"})
    assert refused.value.field == "email"


def test_views_carry_no_hash_fields():
    assert not {f for f in UserView.model_fields if "hash" in f or "password" in f}
    assert not {f for f in ApiKeyView.model_fields if "hash" in f or "secret" in f}

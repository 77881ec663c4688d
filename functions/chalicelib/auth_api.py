"""User API, the caller's own account: sign in and out, tokens, profile, password, sessions."""

from __future__ import annotations

from pydantic import BaseModel, Field

from chalicelib.http import Api, RequestContext
from chalicelib.http.clock import now
from iotsphere import bootstrap
from iotsphere.domain.identity.fields import RecordId
from iotsphere.domain.identity.preferences import Preferences
from iotsphere.domain.identity.requests import (
    LoginRequest,
    PasswordChange,
    PreferencesUpdate,
    ProfileUpdate,
    RefreshRequest,
)
from iotsphere.domain.identity.roles import Permission
from iotsphere.domain.identity.sessions import TokenPair
from iotsphere.domain.identity.views import SessionView, UserView
from iotsphere.services.identity import passwords, preferences, sessions, users

api = Api(tag="auth", description="Sign in, tokens, and the caller's own account")
bp = api.blueprint


class SessionPath(BaseModel):
    session_id: RecordId


class SessionList(BaseModel):
    items: list[SessionView] = Field(description="the caller's active sessions")


@api.route(
    "POST",
    "/auth/login",
    summary="Exchange e-mail and password for an access and a refresh token",
    permission=None,
    body=LoginRequest,
    response=TokenPair,
    problems=(401, 429),
)
def login(ctx: RequestContext, body: LoginRequest) -> TokenPair:
    ports = bootstrap.identity_ports()
    return sessions.login(body.email, body.password, ctx.client_address, ports, now())


@api.route(
    "POST",
    "/auth/refresh",
    summary="A new token pair for a refresh token (which is then used up)",
    permission=None,
    body=RefreshRequest,
    response=TokenPair,
    problems=(401,),
)
def refresh_tokens(ctx: RequestContext, body: RefreshRequest) -> TokenPair:
    ports = bootstrap.identity_ports()
    return sessions.refresh(body.refresh_token, ctx.client_address, ports, now())


@api.route(
    "POST",
    "/auth/logout",
    summary="End this session",
    permission=Permission.READ,
    status=204,
    service_audits=True,
)
def logout(ctx: RequestContext) -> None:
    sessions.logout(ctx.caller, bootstrap.identity_ports(), now())


@api.route(
    "GET", "/me", summary="The caller's account", permission=Permission.READ, response=UserView
)
def get_me(ctx: RequestContext) -> UserView:
    return users.get_me(ctx.caller, bootstrap.identity_ports())


@api.route(
    "PATCH",
    "/me",
    summary="Change the caller's display name",
    permission=Permission.READ,
    body=ProfileUpdate,
    response=UserView,
    service_audits=True,
)
def update_me(ctx: RequestContext, body: ProfileUpdate) -> UserView:
    return users.update_profile(ctx.caller, body, bootstrap.identity_ports(), now())


@api.route(
    "POST",
    "/me/password",
    summary="Change the password; every other session ends",
    permission=Permission.READ,
    body=PasswordChange,
    response=TokenPair,
    service_audits=True,
)
def change_password(ctx: RequestContext, body: PasswordChange) -> TokenPair:
    return passwords.change_password(ctx.caller, body, bootstrap.identity_ports(), now())


@api.route(
    "GET",
    "/me/preferences",
    summary="Units, time zone, notification defaults",
    permission=Permission.READ,
    response=Preferences,
)
def get_preferences(ctx: RequestContext) -> Preferences:
    return preferences.get_preferences(ctx.caller, bootstrap.identity_ports())


@api.route(
    "PATCH",
    "/me/preferences",
    summary="Change some preferences",
    permission=Permission.READ,
    body=PreferencesUpdate,
    response=Preferences,
    service_audits=True,
)
def update_preferences(ctx: RequestContext, body: PreferencesUpdate) -> Preferences:
    return preferences.update_preferences(ctx.caller, body, bootstrap.identity_ports(), now())


@api.route(
    "GET",
    "/me/sessions",
    summary="The caller's active sessions",
    permission=Permission.READ,
    response=SessionList,
)
def list_sessions(ctx: RequestContext) -> SessionList:
    return SessionList(items=sessions.list_sessions(ctx.caller, bootstrap.identity_ports(), now()))


@api.route(
    "DELETE",
    "/me/sessions/{session_id}",
    summary="End one of the caller's sessions",
    permission=Permission.READ,
    path_params=SessionPath,
    status=204,
    service_audits=True,
)
def revoke_session(ctx: RequestContext, path: SessionPath) -> None:
    sessions.revoke_session(ctx.caller, path.session_id, bootstrap.identity_ports(), now())

"""User API, the organization's people: users, roles, invitations."""

from __future__ import annotations

from pydantic import BaseModel, Field

from chalicelib.http import Api, RequestContext
from chalicelib.http.clock import now
from iotsphere import bootstrap
from iotsphere.domain.identity.fields import RecordId
from iotsphere.domain.identity.paging import Page, PageRequest
from iotsphere.domain.identity.requests import AcceptInvitation, InviteUser, RoleChange
from iotsphere.domain.identity.roles import Permission
from iotsphere.domain.identity.sessions import TokenPair
from iotsphere.domain.identity.views import InvitationView, OrganizationView, UserView
from iotsphere.services.identity import invitations, organizations, users

api = Api(tag="users", description="The organization, its users and their roles, invitations")
bp = api.blueprint


class UserPath(BaseModel):
    user_id: RecordId


class InvitationPath(BaseModel):
    invitation_id: RecordId


class InvitationCreated(BaseModel):
    invitation: InvitationView
    token: str = Field(description="give it to the invitee; it is never shown again")


@api.route(
    "GET",
    "/organization",
    summary="The caller's organization",
    permission=Permission.READ,
    response=OrganizationView,
)
def get_organization(ctx: RequestContext) -> OrganizationView:
    return organizations.get_organization(ctx.caller, bootstrap.identity_ports())


@api.route(
    "GET",
    "/users",
    summary="Users of the organization",
    permission=Permission.READ,
    query=PageRequest,
    response=Page[UserView],
)
def list_users(ctx: RequestContext, query: PageRequest) -> Page[UserView]:
    return users.list_users(ctx.caller, query, bootstrap.identity_ports())


@api.route(
    "GET",
    "/users/{user_id}",
    summary="One user",
    permission=Permission.READ,
    path_params=UserPath,
    response=UserView,
)
def get_user(ctx: RequestContext, path: UserPath) -> UserView:
    return users.get_user(ctx.caller, path.user_id, bootstrap.identity_ports())


@api.route(
    "PUT",
    "/users/{user_id}/role",
    summary="Give a user another role",
    permission=Permission.MANAGE_USERS,
    path_params=UserPath,
    body=RoleChange,
    response=UserView,
    problems=(409,),
    service_audits=True,
)
def change_role(ctx: RequestContext, path: UserPath, body: RoleChange) -> UserView:
    return users.change_role(ctx.caller, path.user_id, body, bootstrap.identity_ports(), now())


@api.route(
    "DELETE",
    "/users/{user_id}",
    summary="Remove a user; their sessions end",
    permission=Permission.MANAGE_USERS,
    path_params=UserPath,
    status=204,
    problems=(409,),
    service_audits=True,
)
def remove_user(ctx: RequestContext, path: UserPath) -> None:
    users.remove_user(ctx.caller, path.user_id, bootstrap.identity_ports(), now())


@api.route(
    "POST",
    "/invitations",
    summary="Invite someone by e-mail with a role",
    permission=Permission.MANAGE_USERS,
    body=InviteUser,
    response=InvitationCreated,
    status=201,
    problems=(409,),
    service_audits=True,
)
def invite_user(ctx: RequestContext, body: InviteUser) -> InvitationCreated:
    invitation, token = invitations.invite_user(ctx.caller, body, bootstrap.identity_ports(), now())
    return InvitationCreated(invitation=invitation, token=token)


@api.route(
    "GET",
    "/invitations",
    summary="Open and past invitations",
    permission=Permission.MANAGE_USERS,
    query=PageRequest,
    response=Page[InvitationView],
)
def list_invitations(ctx: RequestContext, query: PageRequest) -> Page[InvitationView]:
    return invitations.list_invitations(ctx.caller, query, bootstrap.identity_ports())


@api.route(
    "DELETE",
    "/invitations/{invitation_id}",
    summary="Withdraw an invitation",
    permission=Permission.MANAGE_USERS,
    path_params=InvitationPath,
    status=204,
    problems=(409,),
    service_audits=True,
)
def revoke_invitation(ctx: RequestContext, path: InvitationPath) -> None:
    invitations.revoke_invitation(ctx.caller, path.invitation_id, bootstrap.identity_ports(), now())


@api.route(
    "POST",
    "/invitations/accept",
    summary="Open the invited account and sign in",
    permission=None,
    body=AcceptInvitation,
    response=TokenPair,
    status=201,
    problems=(401, 409),
)
def accept_invitation(ctx: RequestContext, body: AcceptInvitation) -> TokenPair:
    ports = bootstrap.identity_ports()
    return invitations.accept_invitation(body, ctx.client_address, ports, now())

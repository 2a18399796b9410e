"""Organisation, users and invitations endpoints."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.accounts import operations, queries
from app.accounts.schemas import (
    InvitationAcceptSchema,
    InvitationCreatedSchema,
    InvitationCreateSchema,
    InvitationListArgsSchema,
    InvitationPreviewSchema,
    InvitationSchema,
    InvitationTokenSchema,
    OrganizationSchema,
    OrganizationUpdateSchema,
    UserListArgsSchema,
    UserSchema,
    UserUpdateSchema,
)
from app.auth.access import current_actor, current_user, public, require
from app.auth.operations import login_new_user, logout_everywhere
from app.auth.permissions import Permission
from app.auth.schemas import SessionSchema
from app.core.pagination import page_schema

blp = Blueprint(
    "accounts", __name__, url_prefix="/api/v1", description="Organisation, users, invitations"
)


@blp.route("/organization")
class OrganizationView(MethodView):
    @require(Permission.ORGANIZATION_READ)
    @blp.response(200, OrganizationSchema)
    def get(self):
        """The campaign the signed-in user belongs to."""
        return current_user().organization

    @require(Permission.ORGANIZATION_UPDATE)
    @blp.arguments(OrganizationUpdateSchema, required=False)
    @blp.response(200, OrganizationSchema)
    def patch(self, changes):
        """Rename the campaign or change its time zone."""
        return operations.update_organization(current_user().organization, changes)


@blp.route("/users")
class UsersView(MethodView):
    @require(Permission.USERS_READ)
    @blp.arguments(UserListArgsSchema, location="query")
    @blp.response(200, page_schema(UserSchema))
    def get(self, args):
        """Users of the campaign; filter by role, active flag or a search string."""
        return queries.list_users(current_user().organization_id, args)


@blp.route("/users/<id:user_id>")
class UserView(MethodView):
    @require(Permission.USERS_READ)
    @blp.response(200, UserSchema)
    def get(self, user_id):
        """One user of the campaign."""
        return queries.get_user(current_user().organization_id, user_id)

    @require(Permission.USERS_MANAGE)
    @blp.arguments(UserUpdateSchema, required=False)
    @blp.response(200, UserSchema)
    def patch(self, changes, user_id):
        """Change role, name, phone; disable (ends every session) or re-enable."""
        actor = current_actor()
        user = queries.get_user(actor.organization_id, user_id)
        return operations.update_user(actor, user, changes)


@blp.route("/users/<id:user_id>/logout-all", methods=["POST"])
@require(Permission.USERS_MANAGE)
@blp.response(204)
def logout_user_everywhere(user_id):
    """End every sign-in of this user (lost phone, departed volunteer)."""
    user = queries.get_user(current_user().organization_id, user_id)
    logout_everywhere(user, reason="ended_by_admin")


@blp.route("/invitations")
class InvitationsView(MethodView):
    @require(Permission.INVITATIONS_MANAGE)
    @blp.arguments(InvitationListArgsSchema, location="query")
    @blp.response(200, page_schema(InvitationSchema))
    def get(self, args):
        """Invitations of the campaign, newest first; filter by status."""
        return queries.list_invitations(current_user().organization_id, args)

    @require(Permission.INVITATIONS_MANAGE)
    @blp.arguments(InvitationCreateSchema)
    @blp.response(201, InvitationCreatedSchema)
    def post(self, body):
        """Invite a person by email or phone; the link is sent and also returned."""
        invitation, token = operations.invite_user(current_actor(), **body)
        invitation.link = operations.invitation_link(token)
        return invitation


@blp.route("/invitations/<id:invitation_id>", methods=["DELETE"])
@require(Permission.INVITATIONS_MANAGE)
@blp.response(200, InvitationSchema)
def revoke_invitation(invitation_id):
    """Revoke a pending invitation; its link stops working."""
    return operations.revoke_invitation(current_actor(), invitation_id)


@blp.route("/invitations/lookup", methods=["POST"])
@public
@blp.arguments(InvitationTokenSchema)
@blp.response(200, InvitationPreviewSchema)
def lookup_invitation(body):
    """What an invitation link offers (campaign, role), before accepting it."""
    return queries.preview_invitation(body["token"])


@blp.route("/invitations/accept", methods=["POST"])
@public
@blp.arguments(InvitationAcceptSchema)
@blp.response(201, SessionSchema)
def accept_invitation(body):
    """Accept an invitation: set a name and password, get signed in."""
    user = operations.accept_invitation(
        body["token"], name=body["name"], password=body["password"], email=body.get("email")
    )
    return login_new_user(user)

"""Sign-in endpoints: thin; each parses, authorises, calls one operation, dumps the result."""

from flask import request
from flask_smorest import Blueprint

from app.auth import operations
from app.auth.access import current_claims, current_user, public, refresh_token_required, signed_in
from app.auth.schemas import LoginSchema, MeSchema, PasswordChangeSchema, SessionSchema

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign in and sessions")


@blp.route("/login", methods=["POST"])
@public
@blp.arguments(LoginSchema)
@blp.response(200, SessionSchema)
def login(credentials):
    """Sign in with email and password; returns an access and a refresh token."""
    return operations.login(credentials["email"], credentials["password"], ip=request.remote_addr)


@blp.route("/refresh", methods=["POST"])
@refresh_token_required
@blp.response(200, SessionSchema)
def refresh():
    """Exchange the refresh token (as the bearer token) for a new pair; the old one is spent."""
    return operations.refresh_session(current_user(), current_claims()["jti"])


@blp.route("/logout", methods=["POST"])
@signed_in
@blp.response(204)
def logout():
    """End this sign-in: the access token and its refresh tokens stop working."""
    operations.logout(current_user(), current_claims())


@blp.route("/logout-all", methods=["POST"])
@signed_in
@blp.response(204)
def logout_all():
    """End every sign-in of the current user, on every device."""
    operations.logout_everywhere(current_user())


@blp.route("/me", methods=["GET"])
@signed_in
@blp.response(200, MeSchema)
def me():
    """The signed-in user, with what their role allows."""
    return current_user()


@blp.route("/password", methods=["POST"])
@signed_in
@blp.arguments(PasswordChangeSchema)
@blp.response(200, SessionSchema)
def change_password(body):
    """Change the password; other sign-ins end, this one continues with new tokens."""
    return operations.change_password(
        current_user(), body["current_password"], body["new_password"], ip=request.remote_addr
    )

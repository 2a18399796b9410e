"""What goes in and out of the sign-in API."""

import marshmallow as ma

from app.accounts.schemas import UserSchema
from app.auth.permissions import ROLE_PERMISSIONS
from app.core.schemas import StrictSchema


class LoginSchema(StrictSchema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=254))
    password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(min=1, max=256)
    )


class MeSchema(UserSchema):
    permissions = ma.fields.Method("_permissions", metadata={"description": "What the role allows"})
    organization_name = ma.fields.String(attribute="organization.name")

    def _permissions(self, user) -> list[str]:
        return sorted(ROLE_PERMISSIONS[user.role])


class SessionSchema(ma.Schema):
    """A signed-in session: a token pair and who it belongs to."""

    access_token = ma.fields.String(required=True, attribute="tokens.access_token")
    refresh_token = ma.fields.String(required=True, attribute="tokens.refresh_token")
    token_type = ma.fields.Constant("Bearer")
    expires_in = ma.fields.Integer(
        attribute="tokens.access_expires_in",
        metadata={"description": "Access token lifetime in seconds"},
    )
    refresh_expires_at = ma.fields.DateTime(attribute="tokens.refresh_expires_at")
    user = ma.fields.Nested(MeSchema, metadata={"description": "with what the role allows"})


class PasswordChangeSchema(StrictSchema):
    current_password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(min=1, max=256)
    )
    new_password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(min=1, max=256)
    )

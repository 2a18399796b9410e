"""What goes in and out of the accounts API."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import available_timezones

import marshmallow as ma

from app.accounts.queries import INVITATION_SORTS, USER_SORTS
from app.auth.permissions import Role
from app.core.pagination import PageArgsSchema, sort_field
from app.core.schemas import StrictSchema

_ROLES = [role.value for role in Role]


class OrganizationSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String()
    slug = ma.fields.String(dump_only=True)
    time_zone = ma.fields.String()


class OrganizationUpdateSchema(StrictSchema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    time_zone = ma.fields.String(validate=ma.validate.OneOf(sorted(available_timezones())))


class UserSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    name = ma.fields.String()
    phone = ma.fields.String(allow_none=True)
    role = ma.fields.Enum(Role, by_value=True)
    is_active = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    last_login_at = ma.fields.DateTime(allow_none=True)
    organization_id = ma.fields.Integer()


class UserListArgsSchema(PageArgsSchema):
    sort = sort_field(USER_SORTS)
    role = ma.fields.String(validate=ma.validate.OneOf(_ROLES))
    is_active = ma.fields.Boolean()
    q = ma.fields.String(validate=ma.validate.Length(min=1, max=100))


class UserUpdateSchema(StrictSchema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    phone = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=30))
    role = ma.fields.Enum(Role, by_value=True)
    is_active = ma.fields.Boolean()


class InvitationCreateSchema(StrictSchema):
    email = ma.fields.Email(validate=ma.validate.Length(max=254))
    phone = ma.fields.String(validate=ma.validate.Length(min=3, max=30))
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    role = ma.fields.Enum(Role, by_value=True, required=True)

    @ma.validates_schema
    def _email_or_phone(self, data, **kwargs):
        if not data.get("email") and not data.get("phone"):
            raise ma.ValidationError("Give an email or a phone number.", "email")


class InvitationSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    name = ma.fields.String(allow_none=True)
    role = ma.fields.Enum(Role, by_value=True)
    status = ma.fields.Method("_status")
    invited_by_id = ma.fields.Integer()
    accepted_user_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime()

    def _status(self, invitation) -> str:
        return invitation.status_at(datetime.now(UTC))


class InvitationCreatedSchema(InvitationSchema):
    link = ma.fields.String(metadata={"description": "Single-use link, to share by hand if needed"})


class InvitationListArgsSchema(PageArgsSchema):
    sort = sort_field(INVITATION_SORTS)
    status = ma.fields.String(
        validate=ma.validate.OneOf(["pending", "accepted", "revoked", "expired"])
    )


class InvitationTokenSchema(StrictSchema):
    token = ma.fields.String(required=True, validate=ma.validate.Length(min=10, max=200))


class InvitationPreviewSchema(ma.Schema):
    organization = ma.fields.String()
    role = ma.fields.Enum(Role, by_value=True)
    email = ma.fields.String(allow_none=True)
    name = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    expires_at = ma.fields.DateTime()


class InvitationAcceptSchema(InvitationTokenSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(max=256))
    email = ma.fields.Email(validate=ma.validate.Length(max=254))

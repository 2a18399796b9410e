"""What goes in and out of the tracked-links API."""

from __future__ import annotations

import marshmallow as ma

from app.core.api import MAX_ID
from app.core.pagination import PageArgsSchema, sort_field
from app.core.schemas import StrictSchema
from app.links.queries import LINK_SORTS

ID = ma.validate.Range(min=1, max=MAX_ID)
LINK_CHANNELS = (
    "facebook",
    "instagram",
    "x",
    "tiktok",
    "youtube",
    "ad",
    "post",
    "print",
    "email",
    "other",
)
PATH = ma.validate.Length(min=1, max=500)
SOURCE_CODE = ma.validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$", error="Letters, digits, _ . - (up to 60)."
)


class DestinationCreateSchema(StrictSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    url = ma.fields.String(required=True, validate=ma.validate.Length(min=8, max=1000))
    refcode_param = ma.fields.String(
        load_default="refcode",
        validate=ma.validate.Regexp(r"^[A-Za-z0-9_]{0,40}$"),
        metadata={"description": "The page's reference-code parameter ('' for none)"},
    )


class DestinationSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    url = ma.fields.String()
    refcode_param = ma.fields.String()
    created_at = ma.fields.DateTime()


class LinkCreateSchema(StrictSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    source_code = ma.fields.String(required=True, validate=SOURCE_CODE)
    channel = ma.fields.String(required=True, validate=ma.validate.OneOf(LINK_CHANNELS))
    path = ma.fields.String(
        validate=PATH, metadata={"description": "A page of this site (/events/K7QM2XPD)"}
    )
    destination_id = ma.fields.Integer(
        validate=ID, metadata={"description": "Or an admin's destination"}
    )


class LinkUpdateSchema(StrictSchema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=120))
    is_active = ma.fields.Boolean()


class LinkArgsSchema(PageArgsSchema):
    sort = sort_field(LINK_SORTS)


class TrackedLinkSchema(ma.Schema):
    id = ma.fields.Integer(attribute="link.id")
    code = ma.fields.String(attribute="link.code")
    name = ma.fields.String(attribute="link.name")
    source_code = ma.fields.String(attribute="link.source_code")
    channel = ma.fields.String(attribute="link.channel")
    path = ma.fields.String(attribute="link.path", allow_none=True)
    destination_id = ma.fields.Integer(attribute="link.destination_id", allow_none=True)
    is_active = ma.fields.Boolean(attribute="link.is_active")
    created_at = ma.fields.DateTime(attribute="link.created_at")
    short_url = ma.fields.String()
    clicks = ma.fields.Integer()
    signups = ma.fields.Integer(metadata={"description": "People who signed up after it"})
    gifts = ma.fields.Integer(metadata={"description": "Contributions carrying its source code"})
    gift_cents = ma.fields.Integer()

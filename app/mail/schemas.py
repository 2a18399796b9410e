"""What goes in and out of the direct-mail API."""

from __future__ import annotations

import marshmallow as ma

from app.core.api import MAX_ID
from app.core.pagination import PageArgsSchema, sort_field
from app.core.schemas import StrictSchema
from app.mail.models import MailDropStatus
from app.mail.queries import DROP_SORTS

ID = ma.validate.Range(min=1, max=MAX_ID)
MAX_CENTS = 10**11  # a billion dollars: no drop costs more


class MailDropCreateSchema(StrictSchema):
    name = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=120),
        metadata={"description": "The piece: 'GOTV postcard 3'"},
    )
    universe_id = ma.fields.Integer(required=True, validate=ID)
    per_household = ma.fields.Boolean(
        load_default=True, metadata={"description": "One piece per household (else per person)"}
    )
    with_codes = ma.fields.Boolean(
        load_default=True, metadata={"description": "A personal short code and QR link per piece"}
    )
    path = ma.fields.String(
        validate=ma.validate.Length(min=1, max=500),
        metadata={"description": "Where a code leads: a page of this site (default /)"},
    )
    destination_id = ma.fields.Integer(
        validate=ID, metadata={"description": "Or an admin's destination (the donation page)"}
    )
    vendor = ma.fields.String(load_default="", validate=ma.validate.Length(max=120))


class MailDropMailedSchema(StrictSchema):
    mailed_on = ma.fields.Date(required=True)
    vendor = ma.fields.String(validate=ma.validate.Length(max=120))
    cost_cents = ma.fields.Integer(
        validate=ma.validate.Range(min=0, max=MAX_CENTS),
        metadata={"description": "What the drop cost, postage and printing, in cents"},
    )


class MailDropArgsSchema(PageArgsSchema):
    sort = sort_field(DROP_SORTS)


class MailDropSchema(ma.Schema):
    id = ma.fields.Integer(attribute="drop.id")
    name = ma.fields.String(attribute="drop.name")
    status = ma.fields.Enum(MailDropStatus, by_value=True, attribute="drop.status")
    universe_id = ma.fields.Integer(attribute="drop.universe_id", allow_none=True)
    per_household = ma.fields.Boolean(attribute="drop.per_household")
    with_codes = ma.fields.Boolean(attribute="drop.with_codes")
    path = ma.fields.String(attribute="drop.path", allow_none=True)
    destination_id = ma.fields.Integer(attribute="drop.destination_id", allow_none=True)
    vendor = ma.fields.String(attribute="drop.vendor")
    mailed_on = ma.fields.Date(attribute="drop.mailed_on", allow_none=True)
    cost_cents = ma.fields.Integer(attribute="drop.cost_cents", allow_none=True)
    quantity = ma.fields.Integer(
        attribute="drop.quantity", metadata={"description": "Pieces (drafted, or mailed)"}
    )
    recipients = ma.fields.Integer(
        attribute="drop.recipients", metadata={"description": "People it reached (once mailed)"}
    )
    created_at = ma.fields.DateTime(attribute="drop.created_at")
    visited = ma.fields.Integer(metadata={"description": "Pieces whose code was visited"})
    visits = ma.fields.Integer()
    signups = ma.fields.Integer(metadata={"description": "People who signed up through a piece"})
    gifts = ma.fields.Integer(metadata={"description": "Contributions carrying a piece's code"})
    gift_cents = ma.fields.Integer()
    cost_per_piece_cents = ma.fields.Integer(allow_none=True)
    cost_per_response_cents = ma.fields.Integer(allow_none=True)


class MailingAddressSchema(StrictSchema):
    line1 = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    line2 = ma.fields.String(load_default="", validate=ma.validate.Length(max=120))
    city = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=80))
    state = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^[A-Za-z]{2}$"))
    zip = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^\d{5}(-\d{4})?$"))


class MailingAddressOutSchema(ma.Schema):
    person_id = ma.fields.Integer()
    line1 = ma.fields.String()
    line2 = ma.fields.String()
    city = ma.fields.String()
    state = ma.fields.String()
    zip = ma.fields.String()


class DoNotMailSchema(StrictSchema):
    do_not_mail = ma.fields.Boolean(required=True)


class DoNotMailOutSchema(ma.Schema):
    person_id = ma.fields.Integer()
    do_not_mail = ma.fields.Boolean()

"""What the excess-cure and letter endpoints take and give (app.fundraising.cures)."""

from __future__ import annotations

import marshmallow as ma

from app.core.pagination import PageArgsSchema
from app.donations.responses import FlagSchema, LinkedDonationSchema
from app.fundraising.cures import STATES
from app.fundraising.models import AcknowledgementChannel, AcknowledgementKind


class CureArgsSchema(PageArgsSchema):
    state = ma.fields.String(validate=ma.validate.OneOf(STATES))
    person_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**63 - 1))


class CureLetterSchema(ma.Schema):
    id = ma.fields.Integer()
    donation_id = ma.fields.Integer(metadata={"description": "The gift, or the correction"})
    kind = ma.fields.String(metadata={"enum": [k.value for k in AcknowledgementKind]})
    channel = ma.fields.String(metadata={"enum": [c.value for c in AcknowledgementChannel]})
    queued_at = ma.fields.DateTime()
    sent_at = ma.fields.DateTime(
        allow_none=True,
        metadata={"description": "An email when queued, a letter when printed; null: waiting"},
    )
    letter_batch_id = ma.fields.Integer(allow_none=True)


class CureSchema(ma.Schema):
    flag = ma.fields.Nested(FlagSchema)
    gift = ma.fields.Nested(LinkedDonationSchema)
    due_on = ma.fields.Date(allow_none=True, metadata={"description": "60 days from receipt"})
    state = ma.fields.String(
        metadata={
            "description": "open (within its days), overdue (past them uncured, or a notice "
            "not sent), notice_due (cured, its notice not yet sent), cured, cured_late"
        }
    )
    cured_on = ma.fields.Date(allow_none=True)
    corrections = ma.fields.List(
        ma.fields.Nested(LinkedDonationSchema), attribute="correction_rows"
    )
    letters = ma.fields.List(ma.fields.Nested(CureLetterSchema))


class CurePageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CureSchema))
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    counts = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        metadata={"description": "Every excess of the answer per state, before the filter"},
    )


class PersonLetterSchema(CureLetterSchema):
    """Every letter and email about a person's gifts: thank-yous, requests, notices."""


class PersonLettersSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PersonLetterSchema))

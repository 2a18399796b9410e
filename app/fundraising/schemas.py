"""What goes in and out of the fundraising API. Amounts are integer cents."""

from __future__ import annotations

import marshmallow as ma

from app.core.pagination import PageArgsSchema
from app.core.schemas import StrictSchema
from app.fundraising.attendees import LEVEL_CODES, STATUSES
from app.fundraising.calls import CALL_RESULTS
from app.fundraising.models import PledgeStatus, SourceKind
from app.fundraising.totals import REGION_KINDS
from app.universes.schemas import MAX_CENTS, UniverseFilterSchema

ID = ma.validate.Range(min=1, max=2**63 - 1)
CENTS = ma.validate.Range(min=1, max=MAX_CENTS)


def _template(max_length: int) -> ma.fields.String:
    return ma.fields.String(
        allow_none=True,
        validate=ma.validate.Length(max=max_length),
        metadata={"description": "Jinja2 text (sandboxed); empty or null: the default words"},
    )


class FundraisingSettingsSchema(ma.Schema):
    receipts_enabled = ma.fields.Boolean()
    thank_within_days = ma.fields.Integer()
    thank_you_subject = ma.fields.String(allow_none=True)
    thank_you_body = ma.fields.String(allow_none=True)
    info_request_subject = ma.fields.String(allow_none=True)
    info_request_body = ma.fields.String(allow_none=True)
    default_ask_cents = ma.fields.Integer()
    ask_raise_percent = ma.fields.Integer()


class FundraisingSettingsUpdateSchema(StrictSchema):
    receipts_enabled = ma.fields.Boolean()
    thank_within_days = ma.fields.Integer(validate=ma.validate.Range(min=0, max=3650))
    thank_you_subject = _template(200)
    thank_you_body = _template(10_000)
    info_request_subject = _template(200)
    info_request_body = _template(10_000)
    default_ask_cents = ma.fields.Integer(validate=CENTS)
    ask_raise_percent = ma.fields.Integer(validate=ma.validate.Range(min=0, max=1000))


class CallSheetRequestSchema(StrictSchema):
    """The donors to call: a saved universe's, or those of a filter (the universe language)."""

    universe_id = ma.fields.Integer(validate=ID)
    filter = ma.fields.Nested(UniverseFilterSchema)

    @ma.validates_schema
    def _one(self, data, **kwargs):
        if "universe_id" in data and "filter" in data:
            raise ma.ValidationError("Give either a universe_id or a filter.", "filter")


class CallSheetPhoneSchema(ma.Schema):
    number = ma.fields.String()
    kind = ma.fields.String()


class CallSheetElectionSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    given_cents = ma.fields.Integer()
    limit_cents = ma.fields.Integer()
    is_maxed_out = ma.fields.Boolean()


class OpenPledgeSchema(ma.Schema):
    id = ma.fields.Integer()
    amount_cents = ma.fields.Integer()
    received_cents = ma.fields.Integer()
    pledged_on = ma.fields.Date()
    due_on = ma.fields.Date(allow_none=True)


class LastCallSchema(ma.Schema):
    result = ma.fields.String(allow_none=True)
    occurred_at = ma.fields.DateTime()
    summary = ma.fields.String()


class CallSheetRowSchema(ma.Schema):
    person_id = ma.fields.Integer()
    name = ma.fields.String()
    phones = ma.fields.List(ma.fields.Nested(CallSheetPhoneSchema))
    email = ma.fields.String(allow_none=True)
    address = ma.fields.String(allow_none=True)
    employer = ma.fields.String(allow_none=True)
    occupation = ma.fields.String(allow_none=True)
    total_cycle_cents = ma.fields.Integer()
    total_ever_cents = ma.fields.Integer()
    largest_cents = ma.fields.Integer(metadata={"description": "Highest previous contribution"})
    gift_count = ma.fields.Integer()
    first_gift_on = ma.fields.Date(allow_none=True)
    last_gift_on = ma.fields.Date(allow_none=True)
    last_gift_cents = ma.fields.Integer(allow_none=True)
    is_recurring = ma.fields.Boolean()
    methods = ma.fields.List(ma.fields.String())
    elections = ma.fields.List(ma.fields.Nested(CallSheetElectionSchema))
    room_cents = ma.fields.Integer(
        allow_none=True, metadata={"description": "Legal room left (null: no election set up)"}
    )
    ask_cents = ma.fields.Integer(metadata={"description": "docs/money.md: the ask formula"})
    open_pledges = ma.fields.List(ma.fields.Nested(OpenPledgeSchema))
    last_call = ma.fields.Nested(LastCallSchema, allow_none=True)


class CallSheetPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CallSheetRowSchema), required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True, metadata={"description": "Donors on the sheet"})
    pages = ma.fields.Integer(required=True)
    cannot_call = ma.fields.Integer(
        required=True, metadata={"description": "Donors matched who may not be called"}
    )


class PledgeInSchema(StrictSchema):
    amount_cents = ma.fields.Integer(required=True, validate=CENTS)
    election_id = ma.fields.Integer(validate=ID)
    due_on = ma.fields.Date()


class CallSchema(StrictSchema):
    person_id = ma.fields.Integer(required=True, validate=ID)
    result = ma.fields.String(required=True, validate=ma.validate.OneOf(sorted(CALL_RESULTS)))
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=300))
    pledge = ma.fields.Nested(PledgeInSchema, metadata={"description": "With result 'pledged'"})


class PledgeSchema(ma.Schema):
    id = ma.fields.Integer()
    person_id = ma.fields.Integer()
    name = ma.fields.String()
    amount_cents = ma.fields.Integer()
    received_cents = ma.fields.Integer(metadata={"description": "Counted live from the ledger"})
    election_id = ma.fields.Integer(allow_none=True)
    pledged_on = ma.fields.Date()
    due_on = ma.fields.Date(allow_none=True)
    status = ma.fields.Enum(PledgeStatus, by_value=True)
    fulfilled_on = ma.fields.Date(allow_none=True)
    is_overdue = ma.fields.Boolean()
    note = ma.fields.String()
    interaction_id = ma.fields.Integer(allow_none=True)


class CallResultSchema(ma.Schema):
    interaction_id = ma.fields.Integer()
    result = ma.fields.String()
    pledge = ma.fields.Nested(PledgeSchema, allow_none=True)


class PledgeListArgsSchema(PageArgsSchema):
    status = ma.fields.Enum(PledgeStatus, by_value=True)
    person_id = ma.fields.Integer(validate=ID)


class PledgeUpdateSchema(StrictSchema):
    amount_cents = ma.fields.Integer(validate=CENTS)
    due_on = ma.fields.Date(allow_none=True)
    note = ma.fields.String(validate=ma.validate.Length(max=300))
    status = ma.fields.String(
        validate=ma.validate.OneOf([PledgeStatus.OPEN.value, PledgeStatus.CANCELLED.value]),
        metadata={"description": "cancel, or open a cancelled pledge again"},
    )


class LetterBatchSchema(ma.Schema):
    id = ma.fields.Integer()
    letter_count = ma.fields.Integer()
    created_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()


class LettersSchema(ma.Schema):
    pending = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    batches = ma.fields.List(ma.fields.Nested(LetterBatchSchema))


class GoalInSchema(StrictSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)
    amount_cents = ma.fields.Integer(required=True, validate=CENTS)
    source_kind = ma.fields.Enum(SourceKind, by_value=True, allow_none=True)
    source_value = ma.fields.String(allow_none=True, validate=ma.validate.Length(min=1, max=100))


class GoalUpdateSchema(StrictSchema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=120))
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    amount_cents = ma.fields.Integer(validate=CENTS)
    source_kind = ma.fields.Enum(SourceKind, by_value=True, allow_none=True)
    source_value = ma.fields.String(allow_none=True, validate=ma.validate.Length(min=1, max=100))


class GoalSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    amount_cents = ma.fields.Integer()
    source_kind = ma.fields.Enum(SourceKind, by_value=True, allow_none=True)
    source_value = ma.fields.String(allow_none=True)


class GroupSchema(ma.Schema):
    key = ma.fields.String(allow_none=True)
    label = ma.fields.String()
    amount_cents = ma.fields.Integer(metadata={"description": "Net: gross less refunded"})
    gross_cents = ma.fields.Integer(metadata={"description": "Contributions"})
    refunded_cents = ma.fields.Integer(metadata={"description": "Refunds and chargebacks"})
    gifts = ma.fields.Integer()
    donors = ma.fields.Integer()


class DaySchema(GroupSchema):
    cumulative_cents = ma.fields.Integer()
    pace_cents = ma.fields.Integer(metadata={"description": "A straight line to the goal"})


class GoalProgressSchema(ma.Schema):
    goal = ma.fields.Nested(GoalSchema)
    raised_cents = ma.fields.Integer()
    gifts = ma.fields.Integer()
    donors = ma.fields.Integer()
    left_cents = ma.fields.Integer()
    percent = ma.fields.Float()
    days_left = ma.fields.Integer()
    needed_per_day_cents = ma.fields.Integer()
    pace_cents = ma.fields.Integer()
    is_on_pace = ma.fields.Boolean()


class GoalDetailSchema(GoalProgressSchema):
    days = ma.fields.List(ma.fields.Nested(DaySchema))


class GoalTotalsArgsSchema(StrictSchema):
    from_ = ma.fields.Date(data_key="from", metadata={"description": "Default: 30 days ago"})
    to = ma.fields.Date(metadata={"description": "Default: today"})
    goal_id = ma.fields.Integer(validate=ID, metadata={"description": "The goal's period, source"})
    by = ma.fields.String(
        load_default="day", validate=ma.validate.OneOf(("day", "source", "election", "region"))
    )
    source_kind = ma.fields.Enum(SourceKind, by_value=True, load_default=SourceKind.METHOD)
    region = ma.fields.String(load_default="state", validate=ma.validate.OneOf(REGION_KINDS))

    @ma.validates_schema
    def _period(self, data, **kwargs):
        if "goal_id" in data and ("from_" in data or "to" in data):
            raise ma.ValidationError("A goal brings its own period.", "goal_id")
        if "from_" in data and "to" in data and data["from_"] > data["to"]:
            raise ma.ValidationError("from is after to.", "from")


class GoalTotalsSchema(ma.Schema):
    by = ma.fields.String()
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    total = ma.fields.Nested(GroupSchema)
    rows = ma.fields.List(ma.fields.Nested(GroupSchema))
    goal = ma.fields.Nested(GoalProgressSchema, allow_none=True)


class DonorLevelsArgsSchema(StrictSchema):
    status = ma.fields.String(load_default="attended", validate=ma.validate.OneOf(sorted(STATUSES)))
    levels = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(LEVEL_CODES)))


class AttendeeSchema(ma.Schema):
    person_id = ma.fields.Integer()
    name = ma.fields.String()
    level = ma.fields.String()
    total_cycle_cents = ma.fields.Integer()
    total_ever_cents = ma.fields.Integer()
    largest_cents = ma.fields.Integer()
    last_gift_on = ma.fields.Date(allow_none=True)


class DonorLevelsSchema(ma.Schema):
    levels = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    people = ma.fields.List(ma.fields.Nested(AttendeeSchema))

"""What goes in and out of the call-list API, and the call record a caller's phone syncs."""

from __future__ import annotations

import marshmallow as ma

from app.canvass.schemas import CODE, ID, ResultCodeSchema, ScriptSchema, answers_field
from app.core.codes import CODE_LENGTH
from app.core.pagination import PageArgsSchema, sort_field
from app.core.schemas import StrictSchema
from app.phones.queries import LIST_SORTS


class CallRecordSchema(StrictSchema):
    """One call to one person on a call list, as the caller's phone recorded it: in the same
    outbox and sync as door knocks (``POST /canvass/sync``, ``type: "call"``)."""

    uuid = ma.fields.UUID(required=True, metadata={"description": "made by the phone, once"})
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(("call",)))
    call_list_id = ma.fields.Integer(required=True, validate=ID)
    person_id = ma.fields.Integer(required=True, validate=ID)
    phone_id = ma.fields.Integer(
        validate=ID, allow_none=True, load_default=None,
        metadata={"description": "the number called (default: the one the list hands out)"},
    )  # fmt: skip
    result = ma.fields.String(validate=CODE, metadata={"description": "a phone result code"})
    answers = answers_field()
    notes = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    client_at = ma.fields.AwareDateTime(required=True)
    duration_s = ma.fields.Integer(
        allow_none=True, load_default=None, validate=ma.validate.Range(min=0, max=86_400),
        metadata={"description": "seconds on the line, if the phone measured them"},
    )  # fmt: skip


class CallListCreateSchema(StrictSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    universe_id = ma.fields.Integer(
        validate=ID, metadata={"description": "its targets (default: everybody callable)"}
    )
    per_household = ma.fields.Boolean(
        load_default=False, metadata={"description": "one person per household"}
    )
    script_id = ma.fields.Integer(validate=ID, metadata={"description": "default: the default"})
    event_id = ma.fields.Integer(
        validate=ID, metadata={"description": "a phone bank: its check-in hands this list out"}
    )
    expires_at = ma.fields.AwareDateTime(metadata={"description": "default: in 7 days"})
    assignee_ids = ma.fields.List(
        ma.fields.Integer(validate=ID), load_default=list, validate=ma.validate.Length(max=50)
    )
    empty = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "nobody yet: follow-up rules put people on it (no universe)"},
    )

    @ma.validates_schema
    def _empty_has_no_universe(self, data, **kwargs):
        if data.get("empty") and data.get("universe_id") is not None:
            raise ma.ValidationError("An empty list takes no universe.", "universe_id")


class CallListArgsSchema(PageArgsSchema):
    status = ma.fields.String(
        load_default="active", validate=ma.validate.OneOf(("active", "closed", "expired", "all"))
    )
    event_id = ma.fields.Integer(validate=ID)
    mine = ma.fields.Boolean(load_default=False, metadata={"description": "only the lists I hold"})
    sort = sort_field(LIST_SORTS)


class CallListAssignSchema(StrictSchema):
    user_ids = ma.fields.List(
        ma.fields.Integer(validate=ID), required=True, validate=ma.validate.Length(min=1, max=50)
    )


class CallListClaimSchema(StrictSchema):
    code = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=CODE_LENGTH, max=40),
        metadata={"description": "the list's code (dashes and case do not matter)"},
    )


class NextPersonArgsSchema(StrictSchema):
    finished = ma.fields.List(
        ma.fields.Integer(validate=ID),
        load_default=list,
        validate=ma.validate.Length(max=50),
        metadata={"description": "people whose results this phone has queued (held for them)"},
    )


class SkipSchema(StrictSchema):
    person_id = ma.fields.Integer(required=True, validate=ID)


class CallListProgressSchema(ma.Schema):
    people = ma.fields.Integer()
    done = ma.fields.Integer(metadata={"description": "with a final result on this list"})
    held = ma.fields.Integer(metadata={"description": "being called, or a result on its way"})
    callable_now = ma.fields.Integer()
    outside_hours = ma.fields.Integer(metadata={"description": "not within calling hours now"})
    not_callable = ma.fields.Integer(
        metadata={"description": "do-not-call, a wrong number ... since the list was made"}
    )
    calls = ma.fields.Integer()
    contacts = ma.fields.Integer()


class CallListSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    code = ma.fields.String()
    status = ma.fields.String()
    universe_id = ma.fields.Integer(allow_none=True)
    per_household = ma.fields.Boolean()
    script_id = ma.fields.Integer(allow_none=True)
    event_id = ma.fields.Integer(allow_none=True)
    expires_at = ma.fields.DateTime()
    closed_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    people_count = ma.fields.Integer()
    claim_url = ma.fields.String()
    callers = ma.fields.List(ma.fields.Integer(), metadata={"description": "who holds it"})
    progress = ma.fields.Nested(CallListProgressSchema)


class CallListDetailSchema(CallListSchema):
    """A list with what a caller's app needs to record its calls offline."""

    script = ma.fields.Nested(ScriptSchema, allow_none=True)
    result_codes = ma.fields.List(ma.fields.Nested(ResultCodeSchema))


class CallerProgressSchema(ma.Schema):
    user_id = ma.fields.Integer()
    name = ma.fields.String()
    holds_list = ma.fields.Boolean()
    calls = ma.fields.Integer()
    contacts = ma.fields.Integer()
    results = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    first_at = ma.fields.DateTime(allow_none=True)
    last_at = ma.fields.DateTime(allow_none=True)


class CallListReportSchema(ma.Schema):
    progress = ma.fields.Nested(CallListProgressSchema)
    results = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    callers = ma.fields.List(ma.fields.Nested(CallerProgressSchema))


class HandedPersonSchema(ma.Schema):
    person_id = ma.fields.Integer()
    first_name = ma.fields.String(allow_none=True)
    last_name = ma.fields.String(allow_none=True)
    age = ma.fields.Integer(allow_none=True)
    gender = ma.fields.String(allow_none=True)
    party = ma.fields.String(allow_none=True)
    languages = ma.fields.List(ma.fields.String())
    address = ma.fields.String(allow_none=True)
    unit = ma.fields.String(allow_none=True)
    city = ma.fields.String(allow_none=True)
    phone_id = ma.fields.Integer()
    number = ma.fields.String(metadata={"description": "E.164"})
    number_display = ma.fields.String()
    tel = ma.fields.String(metadata={"description": "tel: link"})
    phone_kind = ma.fields.String()
    local_time = ma.fields.String(metadata={"description": "the person's time of day"})
    attempts = ma.fields.Integer(metadata={"description": "calls on this list before"})
    last_result = ma.fields.String(allow_none=True)
    held_until = ma.fields.DateTime(metadata={"description": "back to the pool after this"})


class NextPersonSchema(ma.Schema):
    person = ma.fields.Nested(HandedPersonSchema, allow_none=True)
    reason = ma.fields.String(
        allow_none=True,
        metadata={"description": "with nobody: done, outside_hours or all_held (ask again soon)"},
    )

"""What goes in and out of the canvass API: the sync batch (each record checked on its own,
so one bad record does not sink the batch), result codes and scripts."""

from __future__ import annotations

import marshmallow as ma

from app.canvass.models import QuestionKind
from app.canvass.queries import KNOCK_SORTS
from app.canvass.review import BATCH_SORTS
from app.core.pagination import PageArgsSchema, sort_field
from app.core.schemas import StrictSchema
from app.knocks.models import KnockStatus, NoteScope, PlaceNoteKind, ResultEffect
from app.people.schemas import EmailInputSchema, PersonFieldsSchema, PhoneInputSchema

ID = ma.validate.Range(min=1, max=2**63 - 1)
CODE = ma.validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$", error="Lower-case letters, digits, _.")
MAX_RECORDS = 200
VAN_ID = ma.validate.Range(min=1, max=2**31 - 1)


class AnswerValue(ma.fields.Field):
    """An answer: one value (text), or a list of values (multiple choice)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and len(value) <= 500:
            return value
        if (
            isinstance(value, list)
            and 0 < len(value) <= 20
            and all(isinstance(v, str) and len(v) <= 100 for v in value)
        ):
            return value
        raise ma.ValidationError("Expected text (500 characters at most) or a list of choices.")


def answers_field():
    return ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(min=1, max=60)),
        values=AnswerValue(),
        load_default=dict,
        validate=ma.validate.Length(max=50),
        metadata={"description": "question key -> answer"},
    )


class PersonResultSchema(StrictSchema):
    person_id = ma.fields.Integer(required=True, validate=ID)
    result = ma.fields.String(validate=CODE)
    answers = answers_field()


class NewPersonSchema(PersonFieldsSchema):
    """Somebody met at the door who is not on the list (a new resident, a new unit)."""

    unit = ma.fields.String(validate=ma.validate.Length(max=40), load_default="")
    emails = ma.fields.List(ma.fields.Nested(EmailInputSchema), validate=ma.validate.Length(max=3))
    phones = ma.fields.List(ma.fields.Nested(PhoneInputSchema), validate=ma.validate.Length(max=3))
    result = ma.fields.String(validate=CODE)
    answers = answers_field()

    @ma.validates_schema
    def _has_a_name(self, data, **kwargs):
        if not data.get("first_name") and not data.get("last_name"):
            raise ma.ValidationError("Give a first or last name.", "last_name")


class PlaceNoteInSchema(StrictSchema):
    kind = ma.fields.Enum(PlaceNoteKind, by_value=True, required=True)
    text = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))
    scope = ma.fields.String(
        load_default=NoteScope.BUILDING.value,
        validate=ma.validate.OneOf([s.value for s in NoteScope]),
        metadata={"description": "building: every home at the address; home: this one only"},
    )


class GpsSchema(StrictSchema):
    lat = ma.fields.Float(required=True, validate=ma.validate.Range(min=-90, max=90))
    lon = ma.fields.Float(required=True, validate=ma.validate.Range(min=-180, max=180))
    accuracy = ma.fields.Float(
        load_default=None, validate=ma.validate.Range(min=0, max=100_000),
        metadata={"description": "metres"},
    )  # fmt: skip


class KnockRecordSchema(StrictSchema):
    """One visit to one home, as the phone recorded it."""

    uuid = ma.fields.UUID(required=True, metadata={"description": "made by the phone, once"})
    type = ma.fields.String(load_default="knock", validate=ma.validate.OneOf(("knock",)))
    walk_list_id = ma.fields.Integer(required=True, validate=ID)
    household_id = ma.fields.Integer(required=True, validate=ID)
    result = ma.fields.String(validate=CODE, metadata={"description": "for the whole door"})
    people = ma.fields.List(
        ma.fields.Nested(PersonResultSchema), load_default=list, validate=ma.validate.Length(max=50)
    )
    new_people = ma.fields.List(
        ma.fields.Nested(NewPersonSchema), load_default=list, validate=ma.validate.Length(max=10)
    )
    place_notes = ma.fields.List(
        ma.fields.Nested(PlaceNoteInSchema), load_default=list, validate=ma.validate.Length(max=5)
    )
    notes = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    client_at = ma.fields.AwareDateTime(required=True)
    gps = ma.fields.Nested(GpsSchema, load_default=None, allow_none=True)


class SyncSchema(StrictSchema):
    device_id = ma.fields.String(load_default="", validate=ma.validate.Length(max=80))
    sent_at = ma.fields.AwareDateTime(
        load_default=None,
        metadata={"description": "the phone's clock as it sends: its offset from ours dates "
                                 "the knocks on our clock and is checked against them"},
    )  # fmt: skip
    records = ma.fields.List(
        ma.fields.Dict(),
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_RECORDS),
        metadata={"description": "knocks (KnockRecord) and calls (CallRecord); each answered"},
    )


class RecordOutcomeSchema(ma.Schema):
    uuid = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"description": "applied, duplicate or rejected"})
    code = ma.fields.String(allow_none=True)
    message = ma.fields.String(allow_none=True)
    fields = ma.fields.Dict(allow_none=True)
    door_knock_id = ma.fields.Integer(allow_none=True)
    call_id = ma.fields.Integer(allow_none=True)


class SyncResultSchema(ma.Schema):
    results = ma.fields.List(ma.fields.Nested(RecordOutcomeSchema))
    applied = ma.fields.Integer()
    duplicates = ma.fields.Integer()
    rejected = ma.fields.Integer()
    server_time = ma.fields.DateTime()
    epoch = ma.fields.UUID(metadata={"description": "the database's epoch (GET .../epoch)"})


class EpochArgsSchema(StrictSchema):
    known = ma.fields.UUID(metadata={"description": "the epoch this phone last synced with"})


class EpochSchema(ma.Schema):
    epoch = ma.fields.UUID(metadata={"description": "the database's; a restore makes a new one"})
    resend = ma.fields.Boolean(
        metadata={"description": "the phone sends again what it synced in the epoch it knew"}
    )
    resend_since = ma.fields.DateTime(
        allow_none=True,
        metadata={"description": "... acknowledged at or after this (server time); null: all"},
    )
    server_time = ma.fields.DateTime()


class ResultCodeSchema(ma.Schema):
    id = ma.fields.Integer()
    channels = ma.fields.List(ma.fields.String())
    code = ma.fields.String()
    label = ma.fields.String()
    label_es = ma.fields.String()
    is_contact = ma.fields.Boolean()
    effect = ma.fields.Enum(ResultEffect, by_value=True)
    position = ma.fields.Integer()
    is_active = ma.fields.Boolean()
    van_result_id = ma.fields.Integer(allow_none=True)


class ResultCodeUpdateSchema(StrictSchema):
    """What a director may change on a code; the code itself stays (old knocks name it)."""

    label = ma.fields.String(validate=ma.validate.Length(min=1, max=80))
    label_es = ma.fields.String(validate=ma.validate.Length(max=80))
    is_contact = ma.fields.Boolean()
    effect = ma.fields.Enum(ResultEffect, by_value=True)
    position = ma.fields.Integer(validate=ma.validate.Range(min=0, max=1000))
    is_active = ma.fields.Boolean()
    van_result_id = ma.fields.Integer(allow_none=True, validate=VAN_ID)
    channels = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(["door", "phone"])),
                              validate=ma.validate.Length(min=1, max=2))  # fmt: skip


class ResultCodeInSchema(ResultCodeUpdateSchema):
    code = ma.fields.String(required=True, validate=CODE)
    label = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=80))
    is_contact = ma.fields.Boolean(load_default=False)
    effect = ma.fields.Enum(ResultEffect, by_value=True, load_default=ResultEffect.NONE)


class ChoiceSchema(StrictSchema):
    value = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    label = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    label_es = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))


class ShowIfSchema(StrictSchema):
    question = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=60))
    answers = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(max=100)),
        required=True,
        validate=ma.validate.Length(min=1, max=50),
    )


class VanQuestionSchema(StrictSchema):
    survey_question_id = ma.fields.Integer(validate=VAN_ID, allow_none=True)
    responses = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(min=1, max=100)),
        values=ma.fields.Integer(validate=VAN_ID),
        load_default=dict,
        metadata={"description": "answer value -> VAN survey response id"},
    )
    activist_code_id = ma.fields.Integer(
        validate=VAN_ID, allow_none=True, metadata={"description": "applied on a yes"}
    )


class QuestionSchema(StrictSchema):
    key = ma.fields.String(required=True, validate=CODE)
    prompt = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))
    prompt_es = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))
    kind = ma.fields.Enum(QuestionKind, by_value=True, required=True)
    choices = ma.fields.List(
        ma.fields.Nested(ChoiceSchema), load_default=list, validate=ma.validate.Length(max=50)
    )
    show_if = ma.fields.Nested(ShowIfSchema, load_default=None, allow_none=True)
    tag = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=60))
    van = ma.fields.Nested(VanQuestionSchema, load_default=None, allow_none=True)


class ScriptInSchema(StrictSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    is_default = ma.fields.Boolean(load_default=False)
    questions = ma.fields.List(
        ma.fields.Nested(QuestionSchema), required=True, validate=ma.validate.Length(max=50)
    )


class ScriptSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    is_default = ma.fields.Boolean()
    questions = ma.fields.List(ma.fields.Nested(QuestionSchema))


class MapSetupSchema(ma.Schema):
    tile_url = ma.fields.String()
    tile_attribution = ma.fields.String()


class SetupSchema(ma.Schema):
    result_codes = ma.fields.List(ma.fields.Nested(ResultCodeSchema))
    script = ma.fields.Nested(ScriptSchema, allow_none=True)
    map = ma.fields.Nested(MapSetupSchema)


class KnockListArgsSchema(PageArgsSchema):
    walk_list_id = ma.fields.Integer(validate=ID)
    user_id = ma.fields.Integer(validate=ID)
    since = ma.fields.AwareDateTime()
    sort = sort_field(KNOCK_SORTS)


class KnockSchema(ma.Schema):
    id = ma.fields.Integer()
    walk_list_id = ma.fields.Integer()
    user_id = ma.fields.Integer()
    address_id = ma.fields.Integer()
    household_id = ma.fields.Integer(allow_none=True)
    result = ma.fields.String(allow_none=True)
    is_contact = ma.fields.Boolean()
    occurred_at = ma.fields.DateTime()
    client_at = ma.fields.DateTime(metadata={"description": "the phone's clock"})
    server_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "the phone's time on our clock (its offset)"}
    )
    received_at = ma.fields.DateTime()
    clock_skewed = ma.fields.Boolean()
    distance_m = ma.fields.Float(allow_none=True)
    accuracy_m = ma.fields.Float(allow_none=True)
    device_id = ma.fields.String()
    notes = ma.fields.String()
    status = ma.fields.String()
    gps = ma.fields.String(metadata={"description": "green, orange, red or no_gps"})


class ActivityArgsSchema(StrictSchema):
    since = ma.fields.AwareDateTime(metadata={"description": "default: the last 7 days"})


class ActivitySchema(ma.Schema):
    user_id = ma.fields.Integer()
    name = ma.fields.String()
    doors = ma.fields.Integer()
    contacts = ma.fields.Integer()
    contact_rate = ma.fields.Float()
    median_seconds_between_doors = ma.fields.Float(allow_none=True)
    far_from_door = ma.fields.Integer()
    no_gps = ma.fields.Integer()
    outside_hours = ma.fields.Integer()
    first_at = ma.fields.DateTime()
    last_at = ma.fields.DateTime()
    flags = ma.fields.List(ma.fields.String())


class BatchListArgsSchema(PageArgsSchema):
    user_id = ma.fields.Integer(validate=ID)
    status = ma.fields.Enum(KnockStatus, by_value=True)
    since = ma.fields.AwareDateTime()
    include_empty = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "also batches that brought nothing new (replays, rejects)"},
    )
    sort = sort_field(BATCH_SORTS)


class BatchDistancesSchema(ma.Schema):
    green = ma.fields.Integer()
    orange = ma.fields.Integer()
    red = ma.fields.Integer()
    no_gps = ma.fields.Integer()
    farthest_m = ma.fields.Integer(allow_none=True)


class BatchSchema(ma.Schema):
    id = ma.fields.Integer()
    user_id = ma.fields.Integer()
    device_id = ma.fields.String()
    received_at = ma.fields.DateTime()
    records = ma.fields.Integer()
    applied = ma.fields.Integer()
    duplicates = ma.fields.Integer()
    rejected = ma.fields.Integer()
    status = ma.fields.Enum(KnockStatus, by_value=True)
    reviewed_by_id = ma.fields.Integer(allow_none=True)
    reviewed_at = ma.fields.DateTime(allow_none=True)
    review_reason = ma.fields.String()
    sent_at = ma.fields.DateTime(allow_none=True, metadata={"description": "the phone's clock"})
    clock_offset_s = ma.fields.Float(
        allow_none=True, metadata={"description": "the phone's clock minus ours, in seconds"}
    )
    flags = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "dated_after_sync, dated_before_claim, clock_changed, "
                                 "door_knocked_repeatedly"},
    )  # fmt: skip
    user_name = ma.fields.String()
    distances = ma.fields.Nested(BatchDistancesSchema)


class ReviewSchema(StrictSchema):
    reason = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=500),
        metadata={"description": "why (kept with the batch, in the audit trail and the notes)"},
    )


class VanExportArgsSchema(StrictSchema):
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(["json", "csv"]))
    since = ma.fields.AwareDateTime()
    until = ma.fields.AwareDateTime()
    walk_list_id = ma.fields.Integer(validate=ID)
    call_list_id = ma.fields.Integer(validate=ID)
    contact_type_id = ma.fields.Integer(
        validate=VAN_ID, metadata={"description": "VAN contact type of knocks (default 2, Walk)"}
    )
    phone_contact_type_id = ma.fields.Integer(
        validate=VAN_ID, metadata={"description": "... of calls (default 1, Phone)"}
    )
    input_type_id = ma.fields.Integer(
        validate=VAN_ID, metadata={"description": "VAN input type (default 11, API)"}
    )


class VanItemSchema(ma.Schema):
    interaction_id = ma.fields.Integer()
    person_id = ma.fields.Integer()
    van_id = ma.fields.String(allow_none=True)
    state_file_id = ma.fields.String(allow_none=True)
    path = ma.fields.String(metadata={"description": "where VAN takes it, under /v4/"})
    canvass_response = ma.fields.Dict(metadata={"description": "the body VAN takes"})
    canvassed_by = ma.fields.String()


class VanSkippedSchema(ma.Schema):
    interaction_id = ma.fields.Integer()
    person_id = ma.fields.Integer()
    reason = ma.fields.String(metadata={"description": "no_van_id or result_not_mapped"})


class VanExportSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(VanItemSchema))
    skipped = ma.fields.List(ma.fields.Nested(VanSkippedSchema))

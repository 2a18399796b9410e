"""Events, shifts and sign-ups in and out; the public form."""

from __future__ import annotations

from zoneinfo import available_timezones

import marshmallow as ma

from app.core.schemas import StrictSchema
from app.events.models import CheckInMethod, EventKind, EventStatus, SignupStatus, Visibility

ZONES = sorted(available_timezones())


class ShiftInSchema(StrictSchema):
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)
    role = ma.fields.String(load_default="volunteer", validate=ma.validate.Length(min=1, max=60))
    capacity = ma.fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=100_000)
    )
    has_waitlist = ma.fields.Boolean(load_default=True)
    walk_ins = ma.fields.Boolean(load_default=True)


class ShiftUpdateSchema(StrictSchema):
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    role = ma.fields.String(validate=ma.validate.Length(min=1, max=60))
    capacity = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=100_000))
    has_waitlist = ma.fields.Boolean()
    walk_ins = ma.fields.Boolean()


class EventUpdateSchema(StrictSchema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    kind = ma.fields.Enum(EventKind, by_value=True)
    description = ma.fields.String(validate=ma.validate.Length(max=10_000))
    time_zone = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(ZONES))
    place_name = ma.fields.String(validate=ma.validate.Length(max=200))
    address = ma.fields.String(validate=ma.validate.Length(max=300))
    lon = ma.fields.Float(allow_none=True, validate=ma.validate.Range(min=-180, max=180))
    lat = ma.fields.Float(allow_none=True, validate=ma.validate.Range(min=-90, max=90))
    online_url = ma.fields.URL(
        allow_none=True,
        validate=ma.validate.Length(max=500),
        metadata={"description": "null: none (an event in a place)"},
    )
    visibility = ma.fields.Enum(Visibility, by_value=True)
    status = ma.fields.Enum(EventStatus, by_value=True)
    confirm_before_seat = ma.fields.Boolean(
        metadata={"description": "a public sign-up takes a seat only once its person confirms "
                  "it by the link sent to them"},
    )  # fmt: skip
    turf_ids = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**63 - 1)),
        validate=ma.validate.Length(max=500),
        metadata={"description": "a canvass launch's turfs: check-in hands out their lists"},
    )

    @ma.validates_schema
    def _point_whole(self, data, **kwargs):
        """A place is both lon and lat, or neither (both null: no place)."""
        if "lon" not in data and "lat" not in data:
            return
        lon, lat = data.get("lon"), data.get("lat")
        if (lon is None) != (lat is None):
            missing = "lat" if lat is None else "lon"
            raise ma.ValidationError("Give both lon and lat (or both null).", missing)


class EventInSchema(EventUpdateSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    kind = ma.fields.Enum(EventKind, by_value=True, required=True)
    shifts = ma.fields.List(ma.fields.Nested(ShiftInSchema), load_default=list,
                            validate=ma.validate.Length(max=100))  # fmt: skip


class ShiftSchema(ma.Schema):
    id = ma.fields.Integer()
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    role = ma.fields.String()
    capacity = ma.fields.Integer(allow_none=True)
    has_waitlist = ma.fields.Boolean()
    walk_ins = ma.fields.Boolean()
    seats_left = ma.fields.Integer(allow_none=True, metadata={"description": "None: no limit"})
    waitlisted = ma.fields.Integer()


class PublicEventSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.Enum(EventKind, by_value=True)
    description = ma.fields.String()
    time_zone = ma.fields.String()
    place_name = ma.fields.String()
    address = ma.fields.String()
    lon = ma.fields.Float(allow_none=True)
    lat = ma.fields.Float(allow_none=True)
    online_url = ma.fields.String()
    status = ma.fields.Enum(EventStatus, by_value=True)
    confirm_before_seat = ma.fields.Boolean()
    shifts = ma.fields.List(ma.fields.Nested(ShiftSchema))


class EventSchema(PublicEventSchema):
    id = ma.fields.Integer()
    visibility = ma.fields.Enum(Visibility, by_value=True)
    public_url = ma.fields.String()
    turf_ids = ma.fields.List(ma.fields.Integer())
    counts = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Integer(),
        metadata={"description": "sign-ups by status"},
    )  # fmt: skip


class EventListArgsSchema(StrictSchema):
    upcoming = ma.fields.Boolean(load_default=True)


class SignupFormSchema(StrictSchema):
    """The public RSVP form: who, how to reach them (with consent), which shifts."""

    first_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    last_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    email = ma.fields.Email(load_default=None, validate=ma.validate.Length(max=254))
    phone = ma.fields.String(load_default=None, validate=ma.validate.Length(min=3, max=30))
    house_number = ma.fields.String(load_default=None, validate=ma.validate.Length(max=20))
    zip = ma.fields.String(load_default=None, validate=ma.validate.Regexp(r"^\d{5}(-\d{4})?$"))
    email_consent = ma.fields.Boolean(load_default=False)
    sms_consent = ma.fields.Boolean(load_default=False)
    shift_ids = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**63 - 1)),
        required=True,
        validate=ma.validate.Length(min=1, max=50),
    )

    @ma.validates_schema
    def _reachable(self, data, **kwargs):
        if not data.get("email") and not data.get("phone"):
            raise ma.ValidationError("Give an email address or a phone number.", "email")


class SignupSchema(ma.Schema):
    id = ma.fields.Integer()
    shift_id = ma.fields.Integer()
    person_id = ma.fields.Integer()
    status = ma.fields.Enum(SignupStatus, by_value=True)
    source = ma.fields.String()
    created_at = ma.fields.DateTime()
    status_changed_at = ma.fields.DateTime()


class PublicSignupSchema(ma.Schema):
    token = ma.fields.String(allow_none=True)
    links_sent = ma.fields.Boolean(
        metadata={"description": "the person was known: their links went by message only"}
    )
    status = ma.fields.Enum(SignupStatus, by_value=True)
    shift = ma.fields.Nested(ShiftSchema)
    event = ma.fields.Nested(PublicEventSchema)
    calendar_url = ma.fields.String()
    checkin_code = ma.fields.String(metadata={"description": "in the QR code shown at the door"})
    qr_url = ma.fields.String()
    check_in = ma.fields.Nested("CheckInSchema", allow_none=True)


class RosterRowSchema(SignupSchema):
    name = ma.fields.String()
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)


class WalkInSchema(StrictSchema):
    """Somebody at the door who did not sign up."""

    first_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    last_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    email = ma.fields.Email(load_default=None, validate=ma.validate.Length(max=254))
    phone = ma.fields.String(load_default=None, validate=ma.validate.Length(min=3, max=30))
    email_consent = ma.fields.Boolean(load_default=False)
    sms_consent = ma.fields.Boolean(load_default=False)


NEEDS = {
    CheckInMethod.SCAN: ("code",),
    CheckInMethod.SEARCH: ("signup_id",),
    CheckInMethod.WALK_IN: ("shift_id", "person"),
}


class CheckInRecordSchema(StrictSchema):
    """One thing a kiosk recorded: a scanned code, a sign-up found by name, or a walk-in."""

    uuid = ma.fields.UUID(required=True, metadata={"description": "the device's id for it"})
    method = ma.fields.Enum(CheckInMethod, by_value=True, required=True,
                            validate=ma.validate.OneOf(list(NEEDS)))  # fmt: skip
    at = ma.fields.AwareDateTime(load_default=None, metadata={"description": "device time"})
    code = ma.fields.String(validate=ma.validate.Length(min=1, max=40))
    signup_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**63 - 1))
    shift_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**63 - 1))
    person = ma.fields.Nested(WalkInSchema)

    @ma.validates_schema
    def _what_it_needs(self, data, **kwargs):
        needs = NEEDS.get(data.get("method"), ())
        missing = {name: ["Missing data for required field."] for name in needs
                   if name not in data}  # fmt: skip
        if missing:
            raise ma.ValidationError(missing)


class RosterStatusSchema(StrictSchema):
    status = ma.fields.Enum(
        SignupStatus, by_value=True, required=True,
        validate=ma.validate.OneOf(
            [s for s in SignupStatus if s not in (SignupStatus.WAITLISTED, SignupStatus.PENDING)]
        ),
        metadata={"description": "completed marks attendance (a check-in); registered or "
                  "confirmed needs a seat"},
    )  # fmt: skip


class CheckInBatchSchema(StrictSchema):
    device_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=80))
    records = ma.fields.List(ma.fields.Nested(CheckInRecordSchema), required=True,
                             validate=ma.validate.Length(min=1, max=200))  # fmt: skip


class HandedListSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    code = ma.fields.String()
    claim_url = ma.fields.String()


class CheckInSchema(ma.Schema):
    id = ma.fields.Integer()
    signup_id = ma.fields.Integer()
    shift_id = ma.fields.Integer()
    person_id = ma.fields.Integer()
    name = ma.fields.String()
    method = ma.fields.Enum(CheckInMethod, by_value=True)
    device_id = ma.fields.String()
    checked_in_at = ma.fields.DateTime()
    checked_out_at = ma.fields.DateTime(allow_none=True)
    hours = ma.fields.Float(metadata={"description": "to check-out, else the shift's length"})
    walk_list = ma.fields.Nested(HandedListSchema, allow_none=True,
                                 metadata={"description": "at a canvass launch"})  # fmt: skip
    call_list = ma.fields.Nested(HandedListSchema, allow_none=True,
                                 metadata={"description": "at a phone bank"})  # fmt: skip


class CheckInResultSchema(ma.Schema):
    uuid = ma.fields.UUID()
    status = ma.fields.String(metadata={"description": "applied, duplicate (the same record "
                                        "again), already_checked_in, rejected"})  # fmt: skip
    code = ma.fields.String()
    message = ma.fields.String()
    fields = ma.fields.Dict(allow_none=True)
    check_in = ma.fields.Nested(CheckInSchema)


class CheckInResultsSchema(ma.Schema):
    results = ma.fields.List(ma.fields.Nested(CheckInResultSchema))


class KioskRosterRowSchema(ma.Schema):
    signup_id = ma.fields.Integer()
    shift_id = ma.fields.Integer()
    person_id = ma.fields.Integer()
    name = ma.fields.String()
    checkin_code = ma.fields.String()
    status = ma.fields.Enum(SignupStatus, by_value=True)
    checked_in_at = ma.fields.DateTime(allow_none=True)


class KioskSchema(ma.Schema):
    event = ma.fields.Nested(EventSchema)
    door_code = ma.fields.String(metadata={"description": "shown at the door, for self check-in"})
    generated_at = ma.fields.DateTime()
    roster = ma.fields.List(ma.fields.Nested(KioskRosterRowSchema))


class CheckOutSchema(StrictSchema):
    at = ma.fields.AwareDateTime(load_default=None)


class LatePersonSchema(ma.Schema):
    signup_id = ma.fields.Integer()
    person_id = ma.fields.Integer()
    name = ma.fields.String()
    phone = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)


class LiveShiftSchema(ShiftSchema):
    counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    checked_in = ma.fields.Integer()
    checked_out = ma.fields.Integer()
    late = ma.fields.List(
        ma.fields.Nested(LatePersonSchema),
        metadata={"description": "a seat, no check-in, started 15 min ago"},
    )


class LiveSchema(ma.Schema):
    event_id = ma.fields.Integer()
    as_of = ma.fields.DateTime()
    shifts = ma.fields.List(ma.fields.Nested(LiveShiftSchema))
    check_ins = ma.fields.List(ma.fields.Nested(CheckInSchema))


class NoShowsSchema(ma.Schema):
    marked = ma.fields.Integer()


class SelfCheckInSchema(StrictSchema):
    lat = ma.fields.Float(load_default=None, validate=ma.validate.Range(min=-90, max=90))
    lon = ma.fields.Float(load_default=None, validate=ma.validate.Range(min=-180, max=180))
    code = ma.fields.String(load_default=None, validate=ma.validate.Length(min=1, max=12))

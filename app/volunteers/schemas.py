"""Volunteer profiles, teams, invites and the public forms, in and out."""

from __future__ import annotations

import marshmallow as ma

from app.core.pagination import PageArgsSchema, sort_field
from app.core.schemas import StrictSchema
from app.events.schemas import PublicSignupSchema
from app.volunteers.models import PreferredChannel, Skill, VolunteerStatus

ID = ma.validate.Range(min=1, max=2**63 - 1)
TIME = ma.validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Not a time (HH:MM).")
LANGUAGE = ma.validate.Regexp(r"^[a-zA-Z]{2}$", error="Not an ISO 639-1 code (two letters).")
VOLUNTEER_SORTS = ("name", "created_at")


class _Window(StrictSchema):
    @ma.validates_schema
    def _ends_after_start(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise ma.ValidationError("Ends after it starts.", "end")


class WeeklyWindowSchema(_Window):
    day = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=0, max=6),
        metadata={"description": "0 Monday ... 6 Sunday"},
    )
    start = ma.fields.String(required=True, validate=TIME)
    end = ma.fields.String(required=True, validate=TIME)


class DateWindowSchema(_Window):
    date = ma.fields.Date(required=True)
    start = ma.fields.String(validate=TIME)
    end = ma.fields.String(validate=TIME)


class AvailabilitySchema(StrictSchema):
    weekly = ma.fields.List(
        ma.fields.Nested(WeeklyWindowSchema), load_default=list, validate=ma.validate.Length(max=50)
    )
    dates = ma.fields.List(
        ma.fields.Nested(DateWindowSchema), load_default=list, validate=ma.validate.Length(max=200)
    )


def _skills(**kwargs):
    return ma.fields.List(
        ma.fields.Enum(Skill, by_value=True), validate=ma.validate.Length(max=len(Skill)), **kwargs
    )


def _languages(**kwargs):
    return ma.fields.List(
        ma.fields.String(validate=LANGUAGE), validate=ma.validate.Length(max=20), **kwargs
    )


class ProfileUpdateSchema(StrictSchema):
    skills = _skills()
    languages = _languages(metadata={"description": "the person's languages (ISO 639-1)"})
    availability = ma.fields.Nested(AvailabilitySchema)
    preferred_channel = ma.fields.Enum(PreferredChannel, by_value=True)
    organizer_user_id = ma.fields.Integer(allow_none=True, validate=ID)
    user_id = ma.fields.Integer(
        allow_none=True,
        validate=ID,
        metadata={"description": "their own sign-in: door knocks are counted by user"},
    )
    status = ma.fields.Enum(VolunteerStatus, by_value=True)
    team_ids = ma.fields.List(ma.fields.Integer(validate=ID), validate=ma.validate.Length(max=50))
    notes = ma.fields.String(validate=ma.validate.Length(max=10_000))


class ProfileCreateSchema(ProfileUpdateSchema):
    person_id = ma.fields.Integer(required=True, validate=ID)


class LinkSchema(StrictSchema):
    person_id = ma.fields.Integer(required=True, validate=ID)


class VolunteerListArgsSchema(PageArgsSchema):
    q = ma.fields.String(
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "Name prefix: 'last', 'first last' or 'last, first'"},
    )
    skill = ma.fields.Enum(Skill, by_value=True)
    language = ma.fields.String(validate=LANGUAGE)
    team = ma.fields.Integer(validate=ID)
    organizer = ma.fields.Integer(validate=ID)
    status = ma.fields.String(
        load_default="active", validate=ma.validate.OneOf(("active", "inactive", "all"))
    )
    available_on = ma.fields.Date()
    near_event = ma.fields.Integer(validate=ID)
    within_km = ma.fields.Float(validate=ma.validate.Range(min=0, max=500, min_inclusive=False))
    activity = ma.fields.String(validate=ma.validate.OneOf(("never_returned", "top_canvassers")))
    days = ma.fields.Integer(
        load_default=30,
        validate=ma.validate.Range(min=1, max=3650),
        metadata={"description": "top_canvassers: the last N days"},
    )
    sort = sort_field(dict.fromkeys(VOLUNTEER_SORTS))

    @ma.validates_schema
    def _distance_whole(self, data, **kwargs):
        if ("near_event" in data) != ("within_km" in data):
            raise ma.ValidationError(
                "Give near_event and within_km together.",
                "within_km" if "near_event" in data else "near_event",
            )


class TeamRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class VolunteerActivitySchema(ma.Schema):
    attended_shifts = ma.fields.Integer()
    last_attended_at = ma.fields.DateTime(allow_none=True)
    doors_knocked = ma.fields.Integer()
    doors_knocked_recent = ma.fields.Integer(metadata={"description": "in the last `days`"})


class VolunteerSchema(ma.Schema):
    id = ma.fields.Integer()
    person_id = ma.fields.Integer()
    name = ma.fields.String()
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    skills = ma.fields.List(ma.fields.String())
    languages = ma.fields.List(ma.fields.String())
    availability = ma.fields.Dict()
    preferred_channel = ma.fields.Enum(PreferredChannel, by_value=True)
    organizer_user_id = ma.fields.Integer(allow_none=True)
    user_id = ma.fields.Integer(allow_none=True)
    status = ma.fields.Enum(VolunteerStatus, by_value=True)
    teams = ma.fields.List(ma.fields.Nested(TeamRefSchema))
    notes = ma.fields.String()
    source = ma.fields.String()
    feed_url = ma.fields.String()
    distance_km = ma.fields.Float(allow_none=True)
    activity = ma.fields.Nested(VolunteerActivitySchema)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class ShiftHistorySchema(ma.Schema):
    signup_id = ma.fields.Integer()
    event_id = ma.fields.Integer()
    event_name = ma.fields.String()
    time_zone = ma.fields.String(metadata={"description": "the event's (IANA)"})
    shift_id = ma.fields.Integer()
    role = ma.fields.String()
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    status = ma.fields.String()
    checked_in_at = ma.fields.DateTime(allow_none=True)
    checked_out_at = ma.fields.DateTime(allow_none=True)
    attended = ma.fields.Boolean()
    hours = ma.fields.Float(metadata={"description": "0 unless attended"})


class TotalsSchema(ma.Schema):
    shifts_signed_up = ma.fields.Integer()
    shifts_attended = ma.fields.Integer()
    no_shows = ma.fields.Integer()
    hours = ma.fields.Float()
    doors_knocked = ma.fields.Integer(allow_none=True)
    contacts_made = ma.fields.Integer(allow_none=True)


class VolunteerDetailSchema(VolunteerSchema):
    shifts = ma.fields.List(ma.fields.Nested(ShiftHistorySchema))
    totals = ma.fields.Nested(TotalsSchema)
    canvassing = ma.fields.String(
        allow_none=True,
        metadata={"description": "why doors are null: no sign-in linked (user_id)"},
    )


class TeamInSchema(StrictSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    organizer_user_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ID)


class TeamUpdateSchema(StrictSchema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=120))
    organizer_user_id = ma.fields.Integer(allow_none=True, validate=ID)


class TeamSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    organizer_user_id = ma.fields.Integer(allow_none=True)
    members = ma.fields.Integer()
    created_at = ma.fields.DateTime()


class InviteInSchema(StrictSchema):
    label = ma.fields.String(load_default="", validate=ma.validate.Length(max=120))
    team_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ID)
    shift_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ID)
    walk_list_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ID)
    expires_at = ma.fields.AwareDateTime(load_default=None, allow_none=True)
    max_uses = ma.fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=100_000)
    )


class InviteSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    label = ma.fields.String()
    team_id = ma.fields.Integer(allow_none=True)
    shift_id = ma.fields.Integer(allow_none=True)
    walk_list_id = ma.fields.Integer(allow_none=True)
    expires_at = ma.fields.DateTime(allow_none=True)
    max_uses = ma.fields.Integer(allow_none=True)
    uses = ma.fields.Integer()
    created_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()
    url = ma.fields.String()


class PublicShiftSchema(ma.Schema):
    event_code = ma.fields.String()
    event_name = ma.fields.String()
    role = ma.fields.String()
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    time_zone = ma.fields.String()


class PublicInviteSchema(ma.Schema):
    """What the invite page shows: never ids, never who else came through it."""

    code = ma.fields.String()
    organization = ma.fields.String()
    label = ma.fields.String()
    team = ma.fields.String(allow_none=True)
    shift = ma.fields.Nested(PublicShiftSchema, allow_none=True)
    walk_list = ma.fields.Boolean(metadata={"description": "a walk list comes with it"})
    skills = ma.fields.List(ma.fields.String())


class PublicFormArgsSchema(StrictSchema):
    organization = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=80))


class PublicFormSchema(ma.Schema):
    organization = ma.fields.String()
    skills = ma.fields.List(ma.fields.String())


class VolunteerFormSchema(StrictSchema):
    """The public volunteer form (no sign-in): who, how to reach them (with consent), home
    (house number and ZIP match them to the voter file), what they can do and when."""

    first_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    last_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    email = ma.fields.Email(load_default=None, validate=ma.validate.Length(max=254))
    phone = ma.fields.String(load_default=None, validate=ma.validate.Length(min=3, max=30))
    house_number = ma.fields.String(load_default=None, validate=ma.validate.Length(max=20))
    zip = ma.fields.String(load_default=None, validate=ma.validate.Regexp(r"^\d{5}(-\d{4})?$"))
    email_consent = ma.fields.Boolean(load_default=False)
    sms_consent = ma.fields.Boolean(load_default=False)
    skills = _skills(load_default=list)
    languages = _languages(load_default=list)
    availability = ma.fields.Nested(AvailabilitySchema, load_default=dict)
    preferred_channel = ma.fields.Enum(PreferredChannel, by_value=True, load_default=None)

    @ma.validates_schema
    def _reachable(self, data, **kwargs):
        if not data.get("email") and not data.get("phone"):
            raise ma.ValidationError("Give an email address or a phone number.", "email")


class OpenFormSchema(VolunteerFormSchema):
    organization = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=80),
        metadata={"description": "the campaign's slug"},
    )


class WalkListLinkSchema(ma.Schema):
    name = ma.fields.String()
    code = ma.fields.String()
    claim_url = ma.fields.String()


class PublicVolunteerSchema(ma.Schema):
    """The confirmation. The calendar feed's link goes by email only: whoever types somebody
    else's address into the form must not get their schedule."""

    first_name = ma.fields.String(allow_none=True)
    team = ma.fields.String(allow_none=True)
    signups = ma.fields.List(ma.fields.Nested(PublicSignupSchema))
    walk_list = ma.fields.Nested(WalkListLinkSchema, allow_none=True)

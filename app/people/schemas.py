"""What goes in and out of the people API."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

import marshmallow as ma
from webargs.fields import DelimitedList

from app.core.api import MAX_ID
from app.core.contact import normalise_email
from app.core.pagination import PageArgsSchema, sort_field
from app.core.schemas import StrictSchema
from app.people.models import HistoryChannel, InteractionKind, PersonSource
from app.people.queries import INTERACTION_SORTS, PERSON_SORTS, RECENT_INTERACTIONS
from app.voters.schemas import PointSchema

GENDERS = ["F", "M", "X", "U"]
PHONE_KINDS = ["mobile", "landline", "voip", "unknown"]
EARLIEST_BIRTH = date(1850, 1, 1)
# Clocks of phones and laptops drift; a note "from the future" beyond this is a mistake.
CLOCK_SKEW = timedelta(minutes=5)
EARLIEST_INTERACTION = datetime(1900, 1, 1, tzinfo=UTC)


class TrimmedString(ma.fields.String):
    """A string with surrounding whitespace removed; blank means "none"."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        return text.strip() or None

    def _validate(self, value):
        if value is not None:  # blank became None: nothing left to check
            super()._validate(value)


class EmailAddress(ma.fields.Email):
    """An email address, normalised before it is checked (pasted whitespace is no error)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return normalise_email(super()._deserialize(value, attr, data, **kwargs))


class JsonScalar(ma.fields.Raw):
    """A custom field's value: text, a finite number, true/false or null (no nesting)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, float) and not math.isfinite(value):
            raise ma.ValidationError("Not a finite number.")
        if value is not None and not isinstance(value, str | int | float | bool):
            raise ma.ValidationError("Use text, a number, true/false or null.")
        if isinstance(value, str) and len(value) > 1000:
            raise ma.ValidationError("Longer than 1000 characters.")
        return value


def _name(length: int) -> TrimmedString:
    return TrimmedString(allow_none=True, validate=ma.validate.Length(max=length))


def _at_most_one_primary(items: list[dict[str, Any]]) -> None:
    if sum(1 for item in items if item.get("is_primary")) > 1:
        raise ma.ValidationError("Only one can be primary.")


def _custom_field_name(name: str) -> None:
    # Keys are not covered by StrictSchema's NUL check, and PostgreSQL's JSONB refuses NUL.
    if not 1 <= len(name) <= 64 or "\x00" in name:
        raise ma.ValidationError("1-64 characters, no NUL.")


def _at_most_100_keys(fields: dict[str, Any]) -> None:
    if len(fields) > 100:
        raise ma.ValidationError("At most 100 custom fields.")


def _birth_year_in_range(year: int) -> None:
    if not EARLIEST_BIRTH.year <= year <= date.today().year:
        raise ma.ValidationError(f"Between {EARLIEST_BIRTH.year} and this year.")


def _birth_date_in_range(day: date) -> None:
    if not EARLIEST_BIRTH <= day <= date.today():
        raise ma.ValidationError(f"Between {EARLIEST_BIRTH.isoformat()} and today.")


class EmailInputSchema(StrictSchema):
    address = EmailAddress(required=True, validate=ma.validate.Length(max=254))
    consent = ma.fields.Boolean()
    do_not_contact = ma.fields.Boolean()
    is_primary = ma.fields.Boolean()


class PhoneInputSchema(StrictSchema):
    number = ma.fields.String(required=True, validate=ma.validate.Length(min=3, max=30))
    kind = ma.fields.String(validate=ma.validate.OneOf(PHONE_KINDS))
    consent = ma.fields.Boolean(metadata={"description": "May be called"})
    sms_consent = ma.fields.Boolean(metadata={"description": "May be texted (never a landline)"})
    do_not_contact = ma.fields.Boolean()
    is_primary = ma.fields.Boolean()


def _contact_list(item_schema: type[ma.Schema], description: str = "") -> ma.fields.List:
    return ma.fields.List(
        ma.fields.Nested(item_schema),
        validate=[ma.validate.Length(max=20), _at_most_one_primary],
        metadata={"description": description} if description else {},
    )


class PersonFieldsSchema(StrictSchema):
    """Fields a person is created and edited with."""

    title = _name(20)
    first_name = _name(100)
    middle_name = _name(100)
    last_name = _name(100)
    suffix = _name(20)
    gender = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(GENDERS))
    birth_year = ma.fields.Integer(allow_none=True, validate=_birth_year_in_range)
    birth_date = ma.fields.Date(allow_none=True, validate=_birth_date_in_range)
    languages = ma.fields.List(
        ma.fields.String(validate=ma.validate.Regexp(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,4})?$")),
        validate=ma.validate.Length(max=10),
        metadata={"description": "Language codes such as 'en', 'es', 'zh-Hant'"},
    )
    tags = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(max=60)),
        validate=ma.validate.Length(max=100),
        metadata={"description": "Trimmed and de-duplicated ignoring case"},
    )

    @ma.validates_schema
    def _birth_year_matches_date(self, data, **kwargs):
        year, day = data.get("birth_year"), data.get("birth_date")
        if year and day and day.year != year:
            raise ma.ValidationError("Does not match birth_date.", "birth_year")


class PersonCreateSchema(PersonFieldsSchema):
    custom_fields = ma.fields.Dict(
        keys=ma.fields.String(validate=_custom_field_name),
        values=JsonScalar(allow_none=True),
        validate=_at_most_100_keys,
    )
    emails = _contact_list(EmailInputSchema)
    phones = _contact_list(PhoneInputSchema)

    @ma.validates_schema
    def _has_a_name(self, data, **kwargs):
        if not data.get("first_name") and not data.get("last_name"):
            raise ma.ValidationError("Give a first or last name.", "last_name")


class PersonUpdateSchema(PersonFieldsSchema):
    custom_fields = ma.fields.Dict(
        keys=ma.fields.String(validate=_custom_field_name),
        values=JsonScalar(allow_none=True),
        validate=_at_most_100_keys,
        metadata={"description": "Merged into the stored fields; a null value removes a key"},
    )
    is_deceased = ma.fields.Boolean()
    has_moved = ma.fields.Boolean()
    do_not_contact = ma.fields.Boolean()
    do_not_call = ma.fields.Boolean()
    emails = _contact_list(
        EmailInputSchema, "Replaces the list (matched on address; opted-out ones are kept)"
    )
    add_emails = _contact_list(EmailInputSchema, "Adds addresses, or updates listed ones' flags")
    phones = _contact_list(
        PhoneInputSchema, "Replaces the list (matched on number; opted-out ones are kept)"
    )
    add_phones = _contact_list(PhoneInputSchema, "Adds numbers, or updates listed ones' flags")


class PersonListArgsSchema(PageArgsSchema):
    sort = sort_field(PERSON_SORTS)
    q = ma.fields.String(
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "Name prefix: 'last', 'first last' or 'last, first'"},
    )
    state_key = ma.fields.String(validate=ma.validate.Length(min=1, max=40))
    email = ma.fields.String(validate=ma.validate.Length(min=1, max=254))
    phone = ma.fields.String(validate=ma.validate.Length(min=3, max=30))
    household_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_ID))


class InteractionListArgsSchema(PageArgsSchema):
    sort = sort_field(INTERACTION_SORTS)
    kind = ma.fields.Enum(InteractionKind, by_value=True)
    channel = DelimitedList(
        ma.fields.Enum(HistoryChannel, by_value=True),
        validate=ma.validate.Length(min=1, max=len(HistoryChannel)),
        metadata={"description": "Only these channels, comma-separated (door,phone,mail)"},
    )


class NoteCreateSchema(StrictSchema):
    kind = ma.fields.String(load_default="note", validate=ma.validate.OneOf(["note"]))
    summary = TrimmedString(required=True, validate=ma.validate.Length(max=300))
    occurred_at = ma.fields.AwareDateTime(default_timezone=None)
    answers = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Regexp(r"^[a-z][a-z0-9_]{0,59}$")),
        values=ma.fields.String(validate=ma.validate.Length(min=1, max=100)),
        validate=ma.validate.Length(max=50),
        metadata={"description": 'Survey answers given, by question short name: {"support": "2"}'},
    )

    @ma.validates_schema
    def _sensible(self, data, **kwargs):
        if not data.get("summary"):
            raise ma.ValidationError("Write the note.", "summary")
        occurred_at = data.get("occurred_at")
        if occurred_at and occurred_at > datetime.now(UTC) + CLOCK_SKEW:
            raise ma.ValidationError("Cannot be in the future.", "occurred_at")
        if occurred_at and occurred_at < EARLIEST_INTERACTION:
            raise ma.ValidationError("Too long ago.", "occurred_at")


class MergeSchema(StrictSchema):
    other_id = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=1, max=MAX_ID),
        metadata={"description": "The person merged away into this one"},
    )


# Output


class EmailSchema(ma.Schema):
    id = ma.fields.Integer()
    address = ma.fields.String()
    is_primary = ma.fields.Boolean()
    consent = ma.fields.Boolean()
    do_not_contact = ma.fields.Boolean()
    source = ma.fields.String()
    consent_changed_at = ma.fields.DateTime(allow_none=True)


class PhoneSchema(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.String()
    kind = ma.fields.String()
    is_primary = ma.fields.Boolean()
    consent = ma.fields.Boolean()
    sms_consent = ma.fields.Boolean()
    do_not_contact = ma.fields.Boolean()
    call_status = ma.fields.String(
        allow_none=True, metadata={"description": "wrong_number or disconnected (a call said)"}
    )
    source = ma.fields.String()
    consent_changed_at = ma.fields.DateTime(allow_none=True)


class HouseholdSchema(ma.Schema):
    """A door: the address line, the unit and where it is."""

    id = ma.fields.Integer()
    address_id = ma.fields.Integer()
    line = ma.fields.String(attribute="address.line")
    unit = ma.fields.String()
    city = ma.fields.String(attribute="address.city")
    state = ma.fields.String(attribute="address.state")
    zip = ma.fields.String(attribute="address.zip")
    point = ma.fields.Nested(PointSchema, attribute="address.point", allow_none=True)
    geocode_source = ma.fields.String(attribute="address.geocode_source", allow_none=True)


class PersonSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    source = ma.fields.Enum(PersonSource, by_value=True)
    first_name = ma.fields.String(allow_none=True)
    last_name = ma.fields.String(allow_none=True)
    full_name = ma.fields.String()
    gender = ma.fields.String(allow_none=True)
    birth_year = ma.fields.Integer(allow_none=True)
    party = ma.fields.String(allow_none=True)
    registration_status = ma.fields.String(allow_none=True)
    household_id = ma.fields.Integer(allow_none=True)
    household = ma.fields.Nested(HouseholdSchema, allow_none=True)
    tags = ma.fields.List(ma.fields.String())
    is_deceased = ma.fields.Boolean()
    has_moved = ma.fields.Boolean()
    do_not_contact = ma.fields.Boolean()
    do_not_call = ma.fields.Boolean()
    is_donor = ma.fields.Boolean(
        metadata={"description": "Has given; amounts are for donations.read (GET .../giving)"}
    )
    created_at = ma.fields.DateTime()


class PersonSchema(PersonSummarySchema):
    title = ma.fields.String(allow_none=True)
    middle_name = ma.fields.String(allow_none=True)
    suffix = ma.fields.String(allow_none=True)
    birth_date = ma.fields.Date(allow_none=True)
    languages = ma.fields.List(ma.fields.String())
    custom_fields = ma.fields.Dict()
    confidential = ma.fields.Boolean()
    merged_into_id = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "Set once merged away: use that person instead"},
    )
    updated_at = ma.fields.DateTime()
    emails = ma.fields.List(ma.fields.Nested(EmailSchema))
    phones = ma.fields.List(ma.fields.Nested(PhoneSchema))


class RegistrationSchema(ma.Schema):
    id = ma.fields.Integer()
    state = ma.fields.String()
    state_key = ma.fields.String()
    county = ma.fields.String(allow_none=True)
    status = ma.fields.String(allow_none=True)
    party = ma.fields.String(allow_none=True)
    registered_on = ma.fields.Date(allow_none=True)
    precinct_code = ma.fields.String(allow_none=True)
    on_file = ma.fields.Boolean()
    confidential = ma.fields.Boolean()
    districts = ma.fields.Dict()


class VoteSchema(ma.Schema):
    election_id = ma.fields.Integer()
    election = ma.fields.String(attribute="name")
    held_on = ma.fields.Date()
    kind = ma.fields.String()
    method = ma.fields.String()
    ballot_party = ma.fields.String(allow_none=True)
    state = ma.fields.String()


class HouseholdMemberSchema(ma.Schema):
    id = ma.fields.Integer()
    full_name = ma.fields.String()


class InteractionSchema(ma.Schema):
    id = ma.fields.Integer()
    person_id = ma.fields.Integer()
    kind = ma.fields.Enum(InteractionKind, by_value=True)
    occurred_at = ma.fields.DateTime()
    recorded_at = ma.fields.DateTime()
    user_id = ma.fields.Integer(allow_none=True)
    import_job_id = ma.fields.Integer(allow_none=True)
    result = ma.fields.String(allow_none=True)
    summary = ma.fields.String()
    data = ma.fields.Dict()
    voided_at = ma.fields.DateTime(
        allow_none=True,
        metadata={"description": "Set while its door knock is held, or after it was rolled back"},
    )


class PersonProfileSchema(PersonSchema):
    """Dumped from a ``queries.PersonProfile``: the person's own fields plus what surrounds them."""

    household_members = ma.fields.List(
        ma.fields.Nested(HouseholdMemberSchema),
        metadata={"description": "The other (not merged-away) people of the household"},
    )
    registrations = ma.fields.List(ma.fields.Nested(RegistrationSchema))
    votes = ma.fields.List(ma.fields.Nested(VoteSchema), metadata={"description": "Newest first"})
    interactions = ma.fields.List(
        ma.fields.Nested(InteractionSchema),
        metadata={"description": f"The latest {RECENT_INTERACTIONS}; see interactions_url"},
    )
    interactions_total = ma.fields.Integer()
    interactions_url = ma.fields.Method(
        "_interactions_url", metadata={"description": "The paginated timeline", "type": "string"}
    )

    _OWN = frozenset(
        {"household_members", "registrations", "votes", "interactions", "interactions_total"}
    )

    def get_attribute(self, obj, attr, default):
        return super().get_attribute(obj if attr in self._OWN else obj.person, attr, default)

    def _interactions_url(self, profile) -> str:
        return f"/api/v1/people/{profile.person.id}/interactions"


class ContactConfirmationSchema(ma.Schema):
    """A new contact held until its person confirms it (the page the link opens)."""

    collection = ma.fields.String(metadata={"description": "emails or phones"})
    value = ma.fields.String()
    status = ma.fields.String(metadata={"description": "waiting, confirmed or expired"})
    expires_at = ma.fields.DateTime()


class ConsentRecordSchema(ma.Schema):
    """One consent decision (app/people/consent.py): never changed, never deleted."""

    channel = ma.fields.String(attribute="channel.value")
    purpose = ma.fields.String(attribute="purpose.value")
    granted = ma.fields.Boolean()
    contact = ma.fields.String()
    source = ma.fields.String()
    words = ma.fields.String()
    user_id = ma.fields.Integer(allow_none=True)
    recorded_at = ma.fields.DateTime()

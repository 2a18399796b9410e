"""What goes in and out of the universes API, and the validation of the filter language."""

from __future__ import annotations

import math
from datetime import date

import marshmallow as ma

from app.core.geo import GeoJSONPolygon
from app.core.pagination import PageArgsSchema, sort_field
from app.core.schemas import StrictSchema
from app.donations.models import Method
from app.people.models import HistoryChannel
from app.universes.donors import check_donor_keys
from app.universes.filters import VOTE_CODE_SLOTS, vote_count_bounds
from app.universes.history import ANY_CHANNEL, count_bounds
from app.universes.models import HouseholdMode
from app.universes.queries import PEOPLE_SORTS, UNIVERSE_SORTS
from app.voters.models import VOTE_METHOD_CODES

MAX_INT4 = 2**31 - 1
# election_id * 8 + method must fit Person.vote_codes' int4.
MAX_ELECTION_ID = (MAX_INT4 - VOTE_CODE_SLOTS) // VOTE_CODE_SLOTS
CONTACT_STATUSES = ("contacted", "not_contacted", "knocked")


def _codes(max_length: int, *, items: int = 100) -> ma.fields.List:
    """A non-empty list of short codes (party, gender, status ...)."""
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=max_length)),
        validate=ma.validate.Length(min=1, max=items),
    )


class _BoundsSchema(StrictSchema):
    @ma.validates_schema
    def _min_or_max(self, data, **kwargs):
        if "min" not in data and "max" not in data:
            raise ma.ValidationError("Give min, max or both.", "min")
        if data.get("min", -math.inf) > data.get("max", math.inf):
            raise ma.ValidationError("min is more than max.", "min")


class AgeSchema(_BoundsSchema):
    min = ma.fields.Integer(validate=ma.validate.Range(min=0, max=130))
    max = ma.fields.Integer(validate=ma.validate.Range(min=0, max=130))


class BirthYearSchema(_BoundsSchema):
    min = ma.fields.Integer(validate=ma.validate.Range(min=1850, max=2200))
    max = ma.fields.Integer(validate=ma.validate.Range(min=1850, max=2200))


class VoteHistorySchema(StrictSchema):
    elections = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_ELECTION_ID)),
        required=True,
        validate=ma.validate.Length(min=1, max=100),
    )
    min = ma.fields.Integer(validate=ma.validate.Range(min=0, max=100))
    max = ma.fields.Integer(validate=ma.validate.Range(min=0, max=100))
    methods = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf([str(m) for m in VOTE_METHOD_CODES])),
        validate=ma.validate.Length(min=1, max=len(VOTE_METHOD_CODES)),
    )
    ballot_party = ma.fields.String(validate=ma.validate.Length(min=1, max=10))

    @ma.validates_schema
    def _bounds(self, data, **kwargs):
        elections = len(set(data.get("elections", [])))
        low, high = vote_count_bounds(data)
        if high is not None and low > high:
            raise ma.ValidationError("min is more than max.", "min")
        if low > elections:
            raise ma.ValidationError("min is more than the number of elections.", "min")


class TagsSchema(StrictSchema):
    any = _codes(100)
    all = _codes(100)
    none = _codes(100)

    @ma.validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ma.ValidationError("Give any, all or none.", "any")


class ContactSchema(StrictSchema):
    within_days = ma.fields.Integer(validate=ma.validate.Range(min=1, max=3650))
    status = ma.fields.String(validate=ma.validate.OneOf(CONTACT_STATUSES))
    last_result = _codes(40, items=50)

    @ma.validates_schema
    def _status_or_result(self, data, **kwargs):
        if "status" not in data and "last_result" not in data:
            raise ma.ValidationError("Give a status, a last_result or both.", "status")
        if data.get("status") == "not_contacted" and "last_result" in data:
            raise ma.ValidationError("Nobody not contacted has a last result.", "last_result")


class CallsSchema(StrictSchema):
    """How many calls (with these results) the person had: "called, no answer twice" is
    ``{"results": ["no_answer"], "min": 2}``."""

    results = _codes(40, items=50)
    min = ma.fields.Integer(validate=ma.validate.Range(min=0, max=1000))
    max = ma.fields.Integer(validate=ma.validate.Range(min=0, max=1000))
    within_days = ma.fields.Integer(validate=ma.validate.Range(min=1, max=3650))

    @ma.validates_schema
    def _bounds(self, data, **kwargs):
        if "min" not in data and "max" not in data:
            raise ma.ValidationError("Give a min, a max or both.", "min")
        if data.get("min", 0) > data.get("max", data.get("min", 0)):
            raise ma.ValidationError("min is above max.", "min")


class HistorySchema(StrictSchema):
    """One condition on the person's history (app.universes.history): "mailed piece 3" is
    ``{"channel": "mail", "drop_id": 3}``; "never reached" ``{"channel": "any",
    "reached": true, "max": 0}``."""

    channel = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf([*(c.value for c in HistoryChannel), ANY_CHANNEL]),
        metadata={"description": "door, phone, text, email, mail, event, donation or any"},
    )
    results = _codes(40, items=50)
    reached = ma.fields.Boolean(
        metadata={"description": "Only contacts that reached the person (a contact result "
                  "code, a reply, a response to a piece)"},
    )  # fmt: skip
    drop_id = ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=2**63 - 1),
        metadata={"description": "Mail: this drop's pieces only"},
    )
    min = ma.fields.Integer(validate=ma.validate.Range(min=0, max=1000))
    max = ma.fields.Integer(validate=ma.validate.Range(min=0, max=1000))
    within_days = ma.fields.Integer(validate=ma.validate.Range(min=1, max=3650))

    @ma.validates_schema
    def _consistent(self, data, **kwargs):
        low, high = count_bounds(data)
        if high is not None and low > high:
            raise ma.ValidationError("min is above max.", "min")
        if "drop_id" in data and data.get("channel") != HistoryChannel.MAIL.value:
            raise ma.ValidationError("A drop is a mail channel's.", "drop_id")


class SurveySchema(StrictSchema):
    """The person's latest answer to one question is one of ``answers`` (support 1-2)."""

    question = ma.fields.String(
        required=True, validate=ma.validate.Regexp(r"^[a-z][a-z0-9_]{0,59}$")
    )
    answers = _codes(100, items=50)

    @ma.validates_schema
    def _answers(self, data, **kwargs):
        if not data.get("answers"):
            raise ma.ValidationError("Give the answers to match.", "answers")


MAX_CENTS = 10**12  # ten billion dollars: beyond any campaign, within bigint


class CentsSchema(_BoundsSchema):
    min = ma.fields.Integer(validate=ma.validate.Range(min=0, max=MAX_CENTS))
    max = ma.fields.Integer(validate=ma.validate.Range(min=0, max=MAX_CENTS))


class GiftCountSchema(_BoundsSchema):
    min = ma.fields.Integer(validate=ma.validate.Range(min=0, max=1_000_000))
    max = ma.fields.Integer(validate=ma.validate.Range(min=0, max=1_000_000))


def _iso_date(value: str) -> None:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ma.ValidationError("Not a date (YYYY-MM-DD).") from None


def _even_year(value: int) -> None:
    if value % 2:
        raise ma.ValidationError("A cycle is named by its even year.")


class DateBoundsSchema(StrictSchema):
    """Dates stay ISO text: a saved universe keeps its filter as JSON."""

    min = ma.fields.String(validate=[ma.validate.Regexp(r"^\d{4}-\d{2}-\d{2}$"), _iso_date])
    max = ma.fields.String(validate=[ma.validate.Regexp(r"^\d{4}-\d{2}-\d{2}$"), _iso_date])

    @ma.validates_schema
    def _min_or_max(self, data, **kwargs):
        if "min" not in data and "max" not in data:
            raise ma.ValidationError("Give min, max or both.", "min")
        if "min" in data and "max" in data and data["min"] > data["max"]:
            raise ma.ValidationError("min is after max.", "min")


class DonorFilterSchema(StrictSchema):
    """Giving history (app.universes.donors). Amounts are integer cents; "this cycle" is the
    two-year cycle of today unless ``cycle`` says which. Every key but ``is_donor`` needs
    donations.read (403 donor_amounts_forbidden) and looks at donors only."""

    is_donor = ma.fields.Boolean(metadata={"description": "Has a gift on record (or none)"})
    cycle = ma.fields.Integer(
        validate=[ma.validate.Range(min=2000, max=2200), _even_year],
        metadata={"description": "The cycle (its even year) that total_cycle, maxed_out and "
                  "lapsed are about; default: today's"},
    )  # fmt: skip
    total_cycle = ma.fields.Nested(CentsSchema)
    total_ever = ma.fields.Nested(CentsSchema)
    largest = ma.fields.Nested(CentsSchema, metadata={"description": "Highest previous gift"})
    gifts = ma.fields.Nested(GiftCountSchema)
    last_gift_on = ma.fields.Nested(DateBoundsSchema)
    last_gift_within_days = ma.fields.Integer(validate=ma.validate.Range(min=1, max=36_500))
    maxed_out = ma.fields.Boolean(
        metadata={"description": "At the limit of one of the cycle's elections"}
    )
    lapsed = ma.fields.Boolean(metadata={"description": "Gave last cycle, nothing this cycle"})
    recurring = ma.fields.Boolean()
    methods = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf([m.value for m in Method])),
        validate=ma.validate.Length(min=1, max=len(Method)),
    )

    @ma.validates_schema
    def _meaningful(self, data, **kwargs):
        if not set(data) - {"cycle"}:
            raise ma.ValidationError("Give is_donor or a giving key.", "is_donor")
        if data.get("is_donor") is False and set(data) - {"is_donor", "cycle"}:
            raise ma.ValidationError("People who never gave have no giving to filter on.",
                                     "is_donor")  # fmt: skip
        check_donor_keys(data)


EMAIL_EVENTS = ("delivered", "opened", "clicked", "bounced", "complained", "unsubscribed",
                "replied")  # fmt: skip


class EmailEngagementSchema(StrictSchema):
    """Email engagement (campaigns write it on the history): ``event`` in each of the ``last``
    emails the person was sent ("clicked the last two"), or ``never`` after any email."""

    event = ma.fields.String(required=True, validate=ma.validate.OneOf(EMAIL_EVENTS))
    last = ma.fields.Integer(validate=ma.validate.Range(min=1, max=20))
    never = ma.fields.Boolean()

    @ma.validates_schema
    def _last_or_never(self, data, **kwargs):
        if ("last" in data) == bool(data.get("never")):
            raise ma.ValidationError("Give last (a number of emails) or never: true.", "last")


class UniverseFilterSchema(StrictSchema):
    """The filter language (docs/universes.md); every key is optional, keys are ANDed."""

    party = _codes(10)
    age = ma.fields.Nested(AgeSchema, metadata={"description": "Age reached this calendar year"})
    birth_year = ma.fields.Nested(BirthYearSchema)
    gender = _codes(1)
    registration_status = _codes(10)
    areas = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_INT4)),
        validate=ma.validate.Length(min=1, max=1000),
    )
    precinct_codes = _codes(20, items=1000)
    polygon = GeoJSONPolygon(metadata={"description": "GeoJSON Polygon or MultiPolygon, WGS84"})
    vote_history = ma.fields.Nested(VoteHistorySchema)
    tags = ma.fields.Nested(TagsSchema)
    contact = ma.fields.Nested(ContactSchema)
    calls = ma.fields.Nested(CallsSchema, metadata={"description": "Calls and their results"})
    history = ma.fields.List(
        ma.fields.Nested(HistorySchema),
        validate=ma.validate.Length(min=1, max=20),
        metadata={"description": "Contacts on any channel and their results, all of which "
                  "must hold ('called, no answer twice', 'mailed piece 3, never reached')"},
    )  # fmt: skip
    survey = ma.fields.List(
        ma.fields.Nested(SurveySchema),
        validate=ma.validate.Length(min=1, max=20),
        metadata={"description": "Latest answers, all of which must match"},
    )
    donor = ma.fields.Nested(DonorFilterSchema)
    people = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=1)),
        validate=ma.validate.Length(min=1, max=100_000),
        metadata={"description": "These people only (a dashboard's number, saved)"},
    )
    include_suppressed = ma.fields.Boolean(
        metadata={"description": "Keep deceased, moved and do-not-contact people (default no)"}
    )
    email_engagement = ma.fields.Nested(
        EmailEngagementSchema,
        metadata={"description": "Opened or clicked the last N emails, or never (opens are "
                  "unreliable: mail clients fetch images themselves)"},
    )  # fmt: skip


class UniverseQuerySchema(StrictSchema):
    filter = ma.fields.Nested(UniverseFilterSchema, load_default=dict)
    household_mode = ma.fields.Enum(HouseholdMode, by_value=True, load_default=HouseholdMode.PERSON)


class UniverseCreateSchema(UniverseQuerySchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    is_shared = ma.fields.Boolean(load_default=True)


class UniverseUpdateSchema(StrictSchema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=120))
    description = ma.fields.String(validate=ma.validate.Length(max=2000))
    filter = ma.fields.Nested(UniverseFilterSchema)
    household_mode = ma.fields.Enum(HouseholdMode, by_value=True)
    is_shared = ma.fields.Boolean()


class UniverseSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    description = ma.fields.String()
    filter = ma.fields.Dict()
    household_mode = ma.fields.Enum(HouseholdMode, by_value=True)
    is_shared = ma.fields.Boolean()
    created_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class UniverseListArgsSchema(PageArgsSchema):
    sort = sort_field(UNIVERSE_SORTS)


class UniverseCountSchema(ma.Schema):
    people = ma.fields.Integer(
        required=True, metadata={"description": "People on the list (in its household mode)"}
    )
    households = ma.fields.Integer(required=True, metadata={"description": "Doors"})
    targets = ma.fields.Integer(required=True, metadata={"description": "People who match"})


class UniversePeopleArgsSchema(PageArgsSchema):
    sort = sort_field(PEOPLE_SORTS)


class UniversePersonSchema(ma.Schema):
    id = ma.fields.Integer()
    first_name = ma.fields.String(allow_none=True)
    last_name = ma.fields.String(allow_none=True)
    full_name = ma.fields.String()
    household_id = ma.fields.Integer(allow_none=True)
    address = ma.fields.String(allow_none=True, metadata={"description": "House number, street"})
    unit = ma.fields.String(allow_none=True)
    city = ma.fields.String(allow_none=True)
    zip = ma.fields.String(allow_none=True)
    party = ma.fields.String(allow_none=True)
    age = ma.fields.Integer(allow_none=True, metadata={"description": "Age this calendar year"})
    gender = ma.fields.String(allow_none=True)
    is_target = ma.fields.Boolean()

"""What goes into the money API: gifts typed at the desk, corrections, flags' reviews,
deposit batches, elections and the committee; and the list filters. Amounts are integer
cents (a number with a fraction is refused); every text has the FEC's length."""

from __future__ import annotations

import re
from datetime import date, timedelta

import marshmallow as ma

from app.core.api import MAX_ID
from app.core.pagination import PageArgsSchema, sort_field
from app.core.schemas import StrictSchema
from app.donations.desk import BATCH_MAX
from app.donations.models import ElectionKind, EntityType, EntryKind, FlagCode, FlagStatus, Method
from app.donations.queries import BATCH_SORTS, DONATION_SORTS, FLAG_SORTS
from app.people.schemas import EmailAddress, TrimmedString

#: $100,000,000.00: no gift, slip or limit is more.
MAX_CENTS = 10_000_000_000
EARLIEST = date(2000, 1, 1)
#: What is typed by hand; card gifts come from a processor's import or webhook.
HAND_METHODS = [Method.CHECK.value, Method.CASH.value, Method.IN_KIND.value, Method.WIRE.value]
_ZIP = re.compile(r"^\d{5}(-?\d{4})?$")


def cents(
    *, required: bool = True, minimum: int = 1, description: str = "Integer cents", **kwargs
) -> ma.fields.Integer:
    return ma.fields.Integer(
        required=required,
        strict=True,
        validate=ma.validate.Range(min=minimum, max=MAX_CENTS),
        metadata={"description": description},
        **kwargs,
    )


def an_id(*, strict: bool = True, **kwargs) -> ma.fields.Integer:
    """An id in a JSON body (strict: a number, not text), or in a query (``strict=False``)."""
    return ma.fields.Integer(strict=strict, validate=ma.validate.Range(min=1, max=MAX_ID), **kwargs)


def _not_future(day: date) -> None:
    # A day ahead at most: the committee's day may have begun where the server's has not.
    if not EARLIEST <= day <= date.today() + timedelta(days=1):
        raise ma.ValidationError(f"Between {EARLIEST.isoformat()} and today.")


def day(**kwargs) -> ma.fields.Date:
    return ma.fields.Date(validate=_not_future, **kwargs)


def _text(length: int, **kwargs) -> TrimmedString:
    return TrimmedString(allow_none=True, validate=ma.validate.Length(max=length), **kwargs)


def _committee_id(**kwargs) -> TrimmedString:
    return TrimmedString(
        allow_none=True,
        validate=ma.validate.Regexp(r"^C\d{8}$", error="An FEC committee id: C and 8 digits."),
        **kwargs,
    )


class ContributorSchema(StrictSchema):
    """The contributor as the FEC itemises them, as given with the gift."""

    prefix = _text(10)
    first_name = _text(30)
    middle_name = _text(20)
    last_name = _text(30)
    suffix = _text(10)
    organization_name = _text(200)
    street_1 = _text(34)
    street_2 = _text(34)
    city = _text(30)
    state = TrimmedString(allow_none=True, validate=ma.validate.Regexp(r"^[A-Za-z]{2}$"))
    zip = TrimmedString(allow_none=True, validate=ma.validate.Regexp(_ZIP, error="A ZIP code."))
    country = TrimmedString(
        validate=ma.validate.Regexp(r"^[A-Za-z]{2}$"),
        metadata={"description": "ISO 3166 two letters; US by default"},
    )
    employer = _text(38)
    occupation = _text(38)
    email = EmailAddress(allow_none=True, validate=ma.validate.Length(max=254))
    phone = _text(20)

    @ma.post_load
    def _normalise(self, data, **kwargs):
        for name in ("state", "country"):
            if data.get(name):
                data[name] = data[name].upper()
        if data.get("zip"):
            data["zip"] = data["zip"].replace("-", "")
        if "country" in data and data["country"] is None:
            del data["country"]
        return data


class HandDonationSchema(ContributorSchema):
    amount_cents = cents()
    election_id = an_id(required=True)
    received_on = day(required=True)
    method = ma.fields.String(required=True, validate=ma.validate.OneOf(HAND_METHODS))
    check_number = _text(30)
    in_kind_description = _text(100)
    entity_type = ma.fields.Enum(EntityType, by_value=True, load_default=EntityType.INDIVIDUAL)
    person_id = an_id(metadata={"description": "The donor; else found (or added) from the name"})
    batch_id = an_id(metadata={"description": "An open deposit batch it is entered into"})
    page = _text(100)
    reference_code = _text(100)
    event_id = an_id()
    fundraiser_person_id = an_id()
    conduit_name = _text(200)
    conduit_committee_id = _committee_id()
    memo = _text(100)

    @ma.post_load
    def _method(self, data, **kwargs):
        data["method"] = Method(data["method"])
        return data

    @ma.validates_schema
    def _complete(self, data, **kwargs):
        method = data.get("method")
        if method == Method.CHECK and not data.get("check_number"):
            raise ma.ValidationError("A check has a number.", "check_number")
        if method == Method.IN_KIND and not data.get("in_kind_description"):
            raise ma.ValidationError("Say what was given.", "in_kind_description")
        if data.get("entity_type", EntityType.INDIVIDUAL) != EntityType.INDIVIDUAL:
            if not data.get("organization_name"):
                raise ma.ValidationError("Name the organisation.", "organization_name")
        elif not (data.get("person_id") or data.get("last_name")) and method != Method.CASH:
            raise ma.ValidationError("Only cash may be anonymous: name the donor.", "last_name")


class SignerSchema(StrictSchema):
    person_id = an_id(required=True)
    amount_cents = cents()
    employer = _text(38)
    occupation = _text(38)


class JointDonationSchema(HandDonationSchema):
    """One check from a joint account: each signer's share (adding up to the check); their
    names come from their records, the address and check from here."""

    class Meta(StrictSchema.Meta):
        # The signers say who gave: a name or donor here would be ignored, so it is refused.
        exclude = (
            "person_id",
            "prefix",
            "first_name",
            "middle_name",
            "last_name",
            "suffix",
            "entity_type",
            "organization_name",
        )

    method = ma.fields.String(
        load_default=Method.CHECK.value, validate=ma.validate.OneOf([Method.CHECK.value])
    )
    signers = ma.fields.List(
        ma.fields.Nested(SignerSchema), required=True, validate=ma.validate.Length(min=2, max=10)
    )

    @ma.validates_schema
    def _complete(self, data, **kwargs):
        if not data.get("check_number"):
            raise ma.ValidationError("A check has a number.", "check_number")
        if sum(signer["amount_cents"] for signer in data.get("signers", [])) != data.get(
            "amount_cents"
        ):
            raise ma.ValidationError("The shares must add up to amount_cents.", "signers")


class RefundSchema(StrictSchema):
    amount_cents = cents()
    on = day(load_default=date.today, metadata={"description": "Today when left out"})
    kind = ma.fields.String(
        load_default=EntryKind.REFUND.value,
        validate=ma.validate.OneOf([EntryKind.REFUND.value, EntryKind.CHARGEBACK.value]),
    )
    reason = TrimmedString(load_default="", validate=ma.validate.Length(max=300))


class RedesignateSchema(StrictSchema):
    election_id = an_id(required=True)
    amount_cents = cents()
    on = day(load_default=date.today)


class ReattributeSchema(StrictSchema):
    person_id = an_id(required=True, metadata={"description": "The other holder of the account"})
    amount_cents = cents()
    on = day(load_default=date.today)
    contributor = ma.fields.Nested(ContributorSchema, load_default=dict)


class VoidSchema(StrictSchema):
    reason = TrimmedString(required=True, validate=ma.validate.Length(min=1, max=300))

    @ma.validates_schema
    def _said(self, data, **kwargs):
        if not data.get("reason"):
            raise ma.ValidationError("Say why.", "reason")


class AssignDonorSchema(StrictSchema):
    person_id = an_id(metadata={"description": "The donor, one of the candidates or anyone"})
    new_person = ma.fields.Boolean(metadata={"description": "true: a new person is the donor"})

    @ma.validates_schema
    def _one(self, data, **kwargs):
        if bool(data.get("person_id")) == bool(data.get("new_person")):
            raise ma.ValidationError("Give person_id, or new_person: true.", "person_id")


class FlagReviewSchema(StrictSchema):
    status = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf([s.value for s in FlagStatus]),
        metadata={
            "description": "confirmed (the cure is owed), cleared (fine), resolved "
            "(cured by hand), open (undo)"
        },
    )
    note = TrimmedString(load_default="", validate=ma.validate.Length(max=300))

    @ma.post_load
    def _blank_note(self, data, **kwargs):
        data["note"] = data.get("note") or ""
        return data


class DepositBatchInSchema(StrictSchema):
    name = TrimmedString(required=True, validate=ma.validate.Length(min=1, max=100))
    expected_count = ma.fields.Integer(
        required=True, strict=True, validate=ma.validate.Range(min=1, max=BATCH_MAX)
    )
    expected_cents = cents(description="The deposit slip's total, in cents")
    deposited_on = day(allow_none=True)

    @ma.validates_schema
    def _named(self, data, **kwargs):
        if not data.get("name"):
            raise ma.ValidationError("Name the batch.", "name")


class DepositBatchAddSchema(StrictSchema):
    donation_ids = ma.fields.List(
        an_id(), required=True, validate=ma.validate.Length(min=1, max=200)
    )


class ElectionInSchema(StrictSchema):
    kind = ma.fields.Enum(ElectionKind, by_value=True, required=True)
    held_on = ma.fields.Date(
        required=True, validate=ma.validate.Range(min=date(1990, 1, 1), max=date(2100, 12, 31))
    )
    name = TrimmedString(validate=ma.validate.Length(max=100))
    cycle = ma.fields.Integer(
        strict=True,
        validate=ma.validate.Range(min=1990, max=2100),
        metadata={"description": "The even year ending its period"},
    )
    limit_cents = cents(required=False, minimum=0, description="Cents; $3,500 when left out")

    @ma.validates_schema
    def _even(self, data, **kwargs):
        if data.get("cycle") and data["cycle"] % 2:
            raise ma.ValidationError("A cycle is an even year.", "cycle")


_SETTING_TEXTS = {
    "committee_name": 200,
    "street_1": 34,
    "street_2": 34,
    "city": 30,
    "treasurer_first_name": 20,
    "treasurer_last_name": 30,
    "paid_for_by": 200,
}


class CommitteeUpdateSchema(StrictSchema):
    committee_id = _committee_id()
    committee_name = _text(200)
    street_1 = _text(34)
    street_2 = _text(34)
    city = _text(30)
    state = TrimmedString(allow_none=True, validate=ma.validate.Regexp(r"^[A-Za-z]{2}$"))
    zip = TrimmedString(allow_none=True, validate=ma.validate.Regexp(_ZIP, error="A ZIP code."))
    treasurer_first_name = _text(20)
    treasurer_last_name = _text(30)
    paid_for_by = _text(200)
    itemization_threshold_cents = cents(required=False, minimum=0)
    cash_limit_cents = cents(required=False, minimum=0)
    anonymous_cash_limit_cents = cents(required=False, minimum=0)
    excess_cure_days = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=365))
    best_efforts_days = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=365))

    @ma.post_load
    def _stored(self, data, **kwargs):
        # Texts are stored as "" when blank.
        for name in (*_SETTING_TEXTS, "state", "zip"):
            if name in data and data[name] is None:
                data[name] = ""
        if data.get("state"):
            data["state"] = data["state"].upper()
        if data.get("zip"):
            data["zip"] = data["zip"].replace("-", "")
        return data


# Lists


def _range(data) -> None:
    start, end = data.get("received_from"), data.get("received_to")
    if start and end and start > end:
        raise ma.ValidationError("After received_to.", "received_from")


class DonationListArgsSchema(PageArgsSchema):
    sort = sort_field(DONATION_SORTS)
    received_from = ma.fields.Date()
    received_to = ma.fields.Date()
    election_id = an_id(strict=False)
    method = ma.fields.Enum(Method, by_value=True)
    kind = ma.fields.Enum(EntryKind, by_value=True)
    person_id = an_id(strict=False)
    batch_id = an_id(strict=False)
    processor = ma.fields.String(
        validate=ma.validate.Length(min=1, max=20), metadata={"description": "manual, actblue ..."}
    )
    source_page = ma.fields.String(validate=ma.validate.Length(min=1, max=100))
    reference_code = ma.fields.String(validate=ma.validate.Length(min=1, max=100))
    flagged = ma.fields.Boolean(metadata={"description": "With a flag staff must act on"})
    review = ma.fields.Boolean(metadata={"description": "Waiting in the review queue"})
    include_voided = ma.fields.Boolean(load_default=False)

    @ma.validates_schema
    def _ordered(self, data, **kwargs):
        _range(data)


class ReviewArgsSchema(PageArgsSchema):
    sort = sort_field(DONATION_SORTS)


class FlagListArgsSchema(PageArgsSchema):
    sort = sort_field(FLAG_SORTS)
    code = ma.fields.Enum(FlagCode, by_value=True)
    due_before = ma.fields.Date()


class DepositBatchListArgsSchema(PageArgsSchema):
    sort = sort_field(BATCH_SORTS)
    status = ma.fields.String(
        load_default="all", validate=ma.validate.OneOf(["open", "closed", "all"])
    )

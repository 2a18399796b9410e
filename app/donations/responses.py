"""What the money API answers (its input is ``schemas.py``). A donation is dumped from a
``queries.DonationRow``: the fields a list withholds come out null, and ``donor`` says why."""

from __future__ import annotations

import marshmallow as ma

from app.donations.models import (
    ElectionKind,
    EntityType,
    EntryKind,
    FlagCode,
    FlagStatus,
    MatchStatus,
    Method,
)
from app.donations.queries import DonationRow


class FlagSchema(ma.Schema):
    id = ma.fields.Integer()
    donation_id = ma.fields.Integer()
    code = ma.fields.Enum(FlagCode, by_value=True)
    status = ma.fields.Enum(FlagStatus, by_value=True)
    amount_cents = ma.fields.Integer(metadata={"description": "The amount at stake"})
    raised_at = ma.fields.DateTime()
    due_on = ma.fields.Date(allow_none=True)
    resolved_at = ma.fields.DateTime(allow_none=True)
    resolved_by_id = ma.fields.Integer(allow_none=True)
    note = ma.fields.String(allow_none=True)


class DonorRefSchema(ma.Schema):
    id = ma.fields.Integer()
    full_name = ma.fields.String(allow_none=True, metadata={"description": "Null if protected"})
    protected = ma.fields.Boolean(
        metadata={"description": "Confidential: lists withhold their name, address and contact"}
    )
    is_deceased = ma.fields.Boolean()
    do_not_contact = ma.fields.Boolean()


def _text() -> ma.fields.String:
    return ma.fields.String(allow_none=True)


class DonationSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.Enum(EntryKind, by_value=True)
    person_id = ma.fields.Integer(allow_none=True)
    donor = ma.fields.Nested(DonorRefSchema, allow_none=True)
    match_status = ma.fields.Enum(MatchStatus, by_value=True)
    election_id = ma.fields.Integer()
    election_code = ma.fields.String(attribute="election.code")
    amount_cents = ma.fields.Integer(metadata={"description": "Negative for money going back"})
    received_on = ma.fields.Date()
    method = ma.fields.Enum(Method, by_value=True)
    check_number = _text()
    in_kind_description = _text()
    corrects_id = ma.fields.Integer(allow_none=True)
    group_uuid = ma.fields.UUID(allow_none=True)
    batch_id = ma.fields.Integer(allow_none=True)
    processor = ma.fields.String()
    processor_receipt_id = _text()
    processor_line_id = _text()
    recurring_series = _text()
    page = _text()
    reference_code = _text()
    event_id = ma.fields.Integer(allow_none=True)
    fundraiser_person_id = ma.fields.Integer(allow_none=True)
    conduit_name = _text()
    conduit_committee_id = _text()
    memo = _text()
    entity_type = ma.fields.Enum(EntityType, by_value=True)
    organization_name = _text()
    prefix = _text()
    first_name = _text()
    middle_name = _text()
    last_name = _text()
    suffix = _text()
    street_1 = _text()
    street_2 = _text()
    city = _text()
    state = _text()
    zip = _text()
    country = ma.fields.String()
    employer = _text()
    occupation = _text()
    email = _text()
    phone = _text()
    excess_cents = ma.fields.Integer(metadata={"description": "The part over the limit"})
    entered_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()
    voided_at = ma.fields.DateTime(allow_none=True)
    void_reason = _text()
    flags = ma.fields.List(ma.fields.Nested(FlagSchema))

    def get_attribute(self, obj, attr, default):
        if isinstance(obj, DonationRow):
            if attr == "donor":
                return obj.donor
            if attr in obj.withheld:
                return None
            obj = obj.donation
        return super().get_attribute(obj, attr, default)


class LinkedDonationSchema(DonationSchema):
    """A donation beside another (its corrections, its flag): without its own flags."""

    class Meta:
        exclude = ("flags",)


class DonationDetailSchema(DonationSchema):
    """Dumped from a ``queries.DonationDetail``."""

    corrections = ma.fields.List(
        ma.fields.Nested(LinkedDonationSchema),
        metadata={"description": "Refunds, chargebacks and the parts moved away"},
    )
    related = ma.fields.List(
        ma.fields.Nested(LinkedDonationSchema),
        metadata={"description": "The joint check's other signers, or a move's other half"},
    )
    remaining_cents = ma.fields.Integer(
        allow_none=True, metadata={"description": "What is left to refund or move; null if none"}
    )

    _OWN = frozenset({"corrections", "related", "remaining_cents"})

    def get_attribute(self, obj, attr, default):
        return super().get_attribute(obj if attr in self._OWN else obj.row, attr, default)


class CandidateSchema(ma.Schema):
    id = ma.fields.Integer()
    protected = ma.fields.Boolean(metadata={"description": "Confidential: only the id is shown"})
    full_name = ma.fields.String()
    address = ma.fields.String(allow_none=True)
    zip = ma.fields.String(allow_none=True)
    is_donor = ma.fields.Boolean()
    matches = ma.fields.List(
        ma.fields.String(), metadata={"description": "What of the gift matches: email, phone, "
                                      "name_and_zip"}
    )  # fmt: skip


class ReviewItemSchema(ma.Schema):
    donation = ma.fields.Nested(DonationSchema, attribute="row")
    candidates = ma.fields.List(ma.fields.Nested(CandidateSchema))


class FlagRowSchema(FlagSchema):
    """Dumped from a ``queries.FlagRow``: the flag and its donation."""

    donation = ma.fields.Nested(LinkedDonationSchema)

    def get_attribute(self, obj, attr, default):
        return super().get_attribute(obj if attr == "donation" else obj.flag, attr, default)


class DepositBatchSchema(ma.Schema):
    """Dumped from a ``figures.BatchRow``."""

    id = ma.fields.Integer(attribute="batch.id")
    name = ma.fields.String(attribute="batch.name")
    expected_count = ma.fields.Integer(attribute="batch.expected_count")
    expected_cents = ma.fields.Integer(attribute="batch.expected_cents")
    deposited_on = ma.fields.Date(attribute="batch.deposited_on", allow_none=True)
    created_at = ma.fields.DateTime(attribute="batch.created_at")
    created_by_id = ma.fields.Integer(attribute="batch.created_by_id", allow_none=True)
    closed_at = ma.fields.DateTime(attribute="batch.closed_at", allow_none=True)
    entered_count = ma.fields.Integer(metadata={"description": "A joint check counts once"})
    entered_cents = ma.fields.Integer()
    count_difference = ma.fields.Integer(metadata={"description": "Entered less the slip's"})
    cents_difference = ma.fields.Integer(metadata={"description": "Entered less the slip's"})
    balanced = ma.fields.Boolean()


class ElectionSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.Enum(ElectionKind, by_value=True)
    code = ma.fields.String()
    name = ma.fields.String()
    held_on = ma.fields.Date()
    cycle = ma.fields.Integer()
    limit_cents = ma.fields.Integer()


class CommitteeSettingsSchema(ma.Schema):
    committee_id = ma.fields.String(allow_none=True)
    committee_name = ma.fields.String()
    street_1 = ma.fields.String()
    street_2 = ma.fields.String()
    city = ma.fields.String()
    state = ma.fields.String()
    zip = ma.fields.String()
    treasurer_first_name = ma.fields.String()
    treasurer_last_name = ma.fields.String()
    paid_for_by = ma.fields.String()
    itemization_threshold_cents = ma.fields.Integer()
    cash_limit_cents = ma.fields.Integer()
    anonymous_cash_limit_cents = ma.fields.Integer()
    excess_cure_days = ma.fields.Integer()
    best_efforts_days = ma.fields.Integer()
    updated_at = ma.fields.DateTime()


class DonorSchema(ma.Schema):
    employer = ma.fields.String(allow_none=True)
    occupation = ma.fields.String(allow_none=True)
    street_1 = ma.fields.String(allow_none=True)
    street_2 = ma.fields.String(allow_none=True)
    city = ma.fields.String(allow_none=True)
    state = ma.fields.String(allow_none=True)
    zip = ma.fields.String(allow_none=True)
    info_requested_at = ma.fields.DateTime(allow_none=True)
    total_cents = ma.fields.Integer()
    largest_cents = ma.fields.Integer()
    gift_count = ma.fields.Integer()
    first_gift_on = ma.fields.Date(allow_none=True)
    last_gift_on = ma.fields.Date(allow_none=True)
    is_recurring = ma.fields.Boolean()
    methods = ma.fields.List(ma.fields.String())


class ElectionStandingSchema(ma.Schema):
    election_id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    cycle = ma.fields.Integer()
    limit_cents = ma.fields.Integer()
    amount_cents = ma.fields.Integer(metadata={"description": "Their aggregate for it"})
    remaining_cents = ma.fields.Integer(metadata={"description": "What they may still give"})
    over_limit_cents = ma.fields.Integer()


class CycleStandingSchema(ma.Schema):
    cycle = ma.fields.Integer()
    amount_cents = ma.fields.Integer()
    itemized = ma.fields.Boolean()


class GivingSchema(ma.Schema):
    person_id = ma.fields.Integer(metadata={"description": "The person merged-away ids live on"})
    full_name = ma.fields.String()
    is_donor = ma.fields.Boolean()
    donor = ma.fields.Nested(DonorSchema, allow_none=True)
    elections = ma.fields.List(ma.fields.Nested(ElectionStandingSchema))
    cycles = ma.fields.List(ma.fields.Nested(CycleStandingSchema))
    donations = ma.fields.List(
        ma.fields.Nested(DonationSchema), metadata={"description": "The latest 50, newest first"}
    )
    donations_total = ma.fields.Integer()
    year = ma.fields.Integer(metadata={"description": "The campaign's calendar year now"})
    year_to_date_cents = ma.fields.Integer(
        metadata={"description": "Net of their entries received this calendar year"}
    )
    donations_url = ma.fields.Method("_url", metadata={"type": "string"})

    def _url(self, giving) -> str:
        return f"/api/v1/donations?person_id={giving.person_id}&include_voided=true"

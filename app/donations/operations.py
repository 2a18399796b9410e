"""Recording money: a contribution arrives, is checked against the rules, and lands on a person.

Every operation flushes and audits; the caller's unit of work commits. Amounts are integer
cents from the edge inwards.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.operations import describe_changes, record_audit
from app.core.actor import Actor
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.signals import donation_recorded
from app.donations.committee import committee_settings, get_election, limits_of
from app.donations.matching import DonorMatch, find_donor
from app.donations.models import (
    CONTRIBUTOR_FIELDS,
    DepositBatch,
    Donation,
    DonationFlag,
    Donor,
    EntryKind,
    FlagCode,
    FlagStatus,
    MatchStatus,
)
from app.donations.rules import Gift, Standing, Verdict, check_contribution
from app.donations.totals import add_to_total, refresh_totals, standing_of
from app.extensions import db
from app.people.models import InteractionKind, Person
from app.people.operations import create_person, record_interaction
from app.people.queries import follow_merges

log = logging.getLogger(__name__)

#: Fields of a contribution copied as given (the schema and the importers check them).
GIFT_FIELDS = (
    "received_on", "method", "check_number", "in_kind_description", "processor",
    "processor_receipt_id", "processor_line_id", "recurring_series", "page", "reference_code",
    "event_id", "fundraiser_person_id", "conduit_name", "conduit_committee_id", "memo",
    "entity_type", "organization_name", *CONTRIBUTOR_FIELDS, "email", "phone", "batch_id",
    "group_uuid",
)  # fmt: skip
_DONOR_FIELDS = ("employer", "occupation", "street_1", "street_2", "city", "state", "zip")
_CURE_DAYS = {
    FlagCode.EXCESSIVE: "excess_cure_days",
    FlagCode.MISSING_EMPLOYER: "best_efforts_days",
}


def find_processor_line(organization_id: int, processor: str, line_id: str) -> Donation | None:
    return db.session.scalar(
        select(Donation).where(
            Donation.organization_id == organization_id,
            Donation.processor == processor,
            Donation.processor_line_id == line_id,
        )
    )


def record_donation(
    actor: Actor, fields: dict[str, Any], *, person: Person | None = None
) -> tuple[Donation, bool]:
    """Record one contribution; returns (the donation, whether it is new).

    ``fields`` holds ``amount_cents`` (positive), ``election_id`` and ``GIFT_FIELDS``. A gift
    already recorded under the processor's line id is returned as it is (re-delivery). The
    donor is ``person`` when given, else found (``app.donations.matching``); an anonymous gift
    (no name) has none.
    """
    org = actor.organization_id
    if fields.get("processor_line_id"):
        existing = find_processor_line(
            org, fields.get("processor", "manual"), fields["processor_line_id"]
        )
        if existing is not None:
            return existing, False
    if fields["amount_cents"] <= 0:
        raise ValidationError(
            "A contribution is a positive amount.",
            fields={"amount_cents": ["Must be more than 0."]},
        )
    election = get_election(org, fields["election_id"])
    anonymous = not (fields.get("last_name") or fields.get("organization_name")) and person is None
    match = (
        DonorMatch(follow_merges(person))
        if person is not None
        else (DonorMatch(None) if anonymous else find_donor(org, fields))
    )
    donation = Donation(
        organization_id=org,
        kind=EntryKind.CONTRIBUTION,
        election_id=election.id,
        amount_cents=fields["amount_cents"],
        entered_by_id=actor.user_id,
        **{name: fields[name] for name in GIFT_FIELDS if fields.get(name) is not None},
    )
    donation.election = election
    if match.person is None and match.candidate_ids:
        donation.match_status = MatchStatus.REVIEW
        donation.match_candidate_ids = match.candidate_ids
    try:
        with db.session.begin_nested():  # the same line delivered twice at once: one wins
            db.session.add(donation)
    except IntegrityError:
        existing = find_processor_line(org, donation.processor, donation.processor_line_id or "")
        if existing is None:
            raise
        return existing, False
    if match.person is not None:
        _land(donation, match.person, anonymous=False)
    elif anonymous:
        _raise_flags(donation, _verdict(donation, None, anonymous=True))
    record_audit("donation.create", entity=donation, changes=_created(donation))
    return donation, True


def assign_donor(actor: Actor, donation: Donation, person: Person | None) -> Donation:
    """Settle a gift waiting in the review queue: on ``person``, or on a new person."""
    if donation.match_status != MatchStatus.REVIEW:
        raise Conflict("This donation's donor is already settled.", code="donor_settled")
    if donation.voided_at is not None:
        raise Conflict("This donation is voided.", code="donation_voided")
    if person is None:
        fields = {
            name: getattr(donation, name)
            for name in (
                "first_name",
                "middle_name",
                "last_name",
                "email",
                "phone",
                "street_1",
                "zip",
            )
        }
        person = find_donor(actor.organization_id, fields, add_new=True).person
        if person is None:  # still uncertain: a new person, as the reviewer asked
            names = {"first_name": donation.first_name, "last_name": donation.last_name}
            person = create_person(actor.organization_id, names)
    donation.match_status = MatchStatus.MATCHED
    donation.match_candidate_ids = []
    _land(donation, follow_merges(person), anonymous=False)
    record_audit("donation.assign", entity=donation, changes={"person_id": donation.person_id})
    return donation


def _land(donation: Donation, person: Person, *, anonymous: bool) -> None:
    """Put a contribution on its donor: totals, flags, the donor's details, their history."""
    donation.person_id = person.id
    election = donation.election
    after = add_to_total(donation.organization_id, person.id, election, donation.amount_cents)
    before = standing_of(person.id, election)
    before = Standing(
        after - donation.amount_cents,
        before.cycle_cents - donation.amount_cents,
        election.limit_cents,
    )
    verdict = _verdict(donation, before, anonymous=anonymous)
    donation.excess_cents = verdict.excess_cents
    _raise_flags(donation, verdict)
    _update_donor_details(donation)
    db.session.flush()
    refresh_totals(donation.organization_id, [person.id])
    record_interaction(
        person,
        InteractionKind.DONATION,
        user_id=donation.entered_by_id,
        occurred_at=datetime.combine(donation.received_on, datetime.min.time(), tzinfo=UTC),
        summary=f"Donation ({donation.method.value})",  # amounts only to those who may see them
        data={"donation_id": donation.id},
    )
    donation_recorded.send(donation)  # thank-you, pledges (app.fundraising): rooms above


def _verdict(donation: Donation, before: Standing | None, *, anonymous: bool) -> Verdict:
    known = _confirmed_flags(donation.person_id) if donation.person_id else frozenset()
    gift = Gift(
        amount_cents=donation.amount_cents,
        method=donation.method.value,
        entity_type=donation.entity_type.value if donation.entity_type else "IND",
        is_anonymous=anonymous,
        employer=donation.employer,
        occupation=donation.occupation,
        country=donation.country or "US",
        known_flags=known,
    )
    limits = limits_of(committee_settings(donation.organization_id))
    return check_contribution(gift, before or Standing(0, 0, 0), limits)


def _confirmed_flags(person_id: int) -> frozenset[str]:
    """Flags staff confirmed on this person's earlier gifts (a foreign national stays one)."""
    codes = db.session.scalars(
        select(DonationFlag.code)
        .join(Donation, Donation.id == DonationFlag.donation_id)
        .where(Donation.person_id == person_id, DonationFlag.status == FlagStatus.CONFIRMED)
    ).all()
    return frozenset(code.value for code in codes)


def _raise_flags(donation: Donation, verdict: Verdict) -> None:
    if not verdict.flags:
        return
    settings = committee_settings(donation.organization_id)
    db.session.flush()
    for code, amount in verdict.flags.items():
        flag_code = FlagCode(code)
        days = getattr(settings, _CURE_DAYS[flag_code]) if flag_code in _CURE_DAYS else None
        flag = DonationFlag(
            organization_id=donation.organization_id,
            donation_id=donation.id,
            code=flag_code,
            amount_cents=amount,
            due_on=donation.received_on + timedelta(days=days) if days else None,
        )
        db.session.add(flag)
        log.info("donation %s flagged %s (%s cents)", donation.id, code, amount)


def _update_donor_details(donation: Donation) -> None:
    """The donor's FEC details follow their latest gift that gives them."""
    donor = db.session.scalar(
        select(Donor).where(
            Donor.organization_id == donation.organization_id,
            Donor.person_id == donation.person_id,
        )
    )
    if donor is None:
        donor = Donor(organization_id=donation.organization_id, person_id=donation.person_id)
        db.session.add(donor)
    for name in _DONOR_FIELDS:
        value = getattr(donation, name)
        if value:
            setattr(donor, name, value)


def void_donation(actor: Actor, donation: Donation, reason: str) -> Donation:
    """Take an entry entered by mistake out of every total; it stays, with the reason."""
    if donation.voided_at is not None:
        raise Conflict("This donation is already voided.", code="donation_voided")
    if not reason.strip():
        raise ValidationError("Say why.", fields={"reason": ["A reason is required."]})
    batch = db.session.get(DepositBatch, donation.batch_id) if donation.batch_id else None
    if batch is not None and batch.closed_at is not None:
        raise Conflict(
            "This gift was deposited with a closed batch: record a refund or chargeback.",
            code="batch_closed",
        )
    corrections = db.session.scalars(
        select(Donation.id).where(Donation.corrects_id == donation.id, Donation.voided_at.is_(None))
    ).all()
    if corrections:
        raise Conflict(
            "Refunds or other corrections of this donation stand; void them first.",
            code="donation_has_corrections",
            fields={"corrections": list(corrections)},
        )
    donation.voided_at = datetime.now(UTC)
    donation.void_reason = reason.strip()
    changes = describe_changes(donation)
    db.session.flush()
    if donation.person_id is not None:
        refresh_totals(donation.organization_id, [donation.person_id])
    record_audit("donation.void", entity=donation, changes=changes)
    return donation


def _created(donation: Donation) -> dict[str, Any]:
    return {
        "kind": donation.kind.value,
        "amount_cents": donation.amount_cents,
        "election_id": donation.election_id,
        "person_id": donation.person_id,
        "received_on": donation.received_on.isoformat(),
        "method": donation.method.value,
        "processor": donation.processor,
        "flags": [flag.code.value for flag in donation.flags],
    }


def get_donation(organization_id: int, donation_id: int) -> Donation:
    donation = db.session.get(Donation, donation_id)
    if donation is None or donation.organization_id != organization_id:
        raise NotFound("No such donation.")
    return donation

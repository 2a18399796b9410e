"""Correcting a contribution without editing it: refunds, chargebacks, redesignations,
reattributions, and joint checks split between their signers.

Each correction is an entry of its own, linked to the contribution (``corrects_id``). A
redesignation or reattribution is a pair (minus where it was, plus where it goes) sharing a
``group_uuid``. After each one the donor's excessive flags are settled against the law's
test: is their aggregate for the election back within its limit?
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from app.audit.operations import record_audit
from app.core.actor import Actor
from app.core.errors import Conflict, ValidationError
from app.core.signals import donation_corrected
from app.donations.models import (
    CONTRIBUTOR_FIELDS,
    CandidateElection,
    Donation,
    DonationFlag,
    EntryKind,
    FlagCode,
    FlagStatus,
)
from app.donations.operations import GIFT_FIELDS, record_donation
from app.donations.totals import refresh_totals, standing_of
from app.extensions import db
from app.people.models import InteractionKind, Person
from app.people.operations import record_interaction
from app.people.queries import follow_merges

_COPIED = (
    "method", "check_number", "processor", "processor_receipt_id", "conduit_name",
    "conduit_committee_id", "entity_type", *CONTRIBUTOR_FIELDS,
)  # fmt: skip


def remaining_cents(donation: Donation) -> int:
    """What is left of a contribution after its refunds and the parts moved away."""
    taken = db.session.scalar(
        select(func.coalesce(func.sum(Donation.amount_cents), 0)).where(
            Donation.corrects_id == donation.id,
            Donation.voided_at.is_(None),
            Donation.amount_cents < 0,
        )
    )
    return donation.amount_cents + int(taken)


def _correctable(donation: Donation, amount_cents: int) -> None:
    if donation.kind != EntryKind.CONTRIBUTION or donation.amount_cents <= 0:
        raise Conflict("Only a contribution can be corrected.", code="not_a_contribution")
    if donation.voided_at is not None:
        raise Conflict("This donation is voided.", code="donation_voided")
    if amount_cents <= 0:
        raise ValidationError("Give a positive amount.", fields={"amount_cents": ["Must be > 0."]})
    left = remaining_cents(donation)
    if amount_cents > left:
        raise ValidationError(
            f"Only {left} cents of this contribution remain.",
            code="amount_over_remaining",
            fields={"amount_cents": [f"At most {left}."]},
        )


def _entry(
    donation: Donation, kind: EntryKind, amount_cents: int, on: date, **overrides: Any
) -> Donation:
    entry = Donation(
        organization_id=donation.organization_id,
        kind=kind,
        person_id=donation.person_id,
        election_id=donation.election_id,
        amount_cents=amount_cents,
        received_on=on,
        corrects_id=donation.id,
        **{name: getattr(donation, name) for name in _COPIED},
    )
    for name, value in overrides.items():
        setattr(entry, name, value)
    db.session.add(entry)
    return entry


def refund_donation(
    actor: Actor,
    donation: Donation,
    amount_cents: int,
    on: date,
    *,
    kind: EntryKind = EntryKind.REFUND,
    reason: str = "",
    processor_line_id: str | None = None,
) -> tuple[Donation, bool]:
    """Give back (or lose to a chargeback) part or all of a contribution. A processor's
    refund delivered twice (the same line id) is recorded once."""
    if kind not in (EntryKind.REFUND, EntryKind.CHARGEBACK):
        raise ValueError(kind)
    if processor_line_id:
        existing = db.session.scalar(
            select(Donation).where(
                Donation.organization_id == donation.organization_id,
                Donation.processor == donation.processor,
                Donation.processor_line_id == processor_line_id,
            )
        )
        if existing is not None:
            return existing, False
    _correctable(donation, amount_cents)
    entry = _entry(
        donation,
        kind,
        -amount_cents,
        on,
        memo=(reason or None) and reason[:100],
        processor_line_id=processor_line_id,
        entered_by_id=actor.user_id,
    )
    db.session.flush()
    _after(entry, [donation.person_id])
    if donation.person_id is not None:
        person = db.session.get(Person, donation.person_id)
        record_interaction(
            person,
            InteractionKind.DONATION,
            user_id=actor.user_id,
            summary=f"Donation {kind.value}",
            data={"donation_id": entry.id},
        )
    record_audit(
        f"donation.{kind.value}",
        entity=entry,
        changes={"corrects_id": donation.id, "amount_cents": -amount_cents, "reason": reason},
    )
    donation_corrected.send(entry, contribution=donation)
    return entry, True


def redesignate_donation(
    actor: Actor, donation: Donation, to_election: CandidateElection, amount_cents: int, on: date
) -> tuple[Donation, Donation]:
    """Move part of a contribution to another election (the donor's written redesignation)."""
    if to_election.id == donation.election_id:
        raise ValidationError(
            "That is the election it is designated to already.",
            fields={"election_id": ["Choose another election."]},
        )
    _correctable(donation, amount_cents)
    group = uuid.uuid4()
    minus = _entry(
        donation,
        EntryKind.REDESIGNATION,
        -amount_cents,
        on,
        group_uuid=group,
        entered_by_id=actor.user_id,
    )
    plus = _entry(
        donation,
        EntryKind.REDESIGNATION,
        amount_cents,
        on,
        group_uuid=group,
        election_id=to_election.id,
        entered_by_id=actor.user_id,
    )
    db.session.flush()
    _after(minus, [donation.person_id], moved_in=plus)
    record_audit(
        "donation.redesignate",
        entity=donation,
        changes={
            "to_election_id": to_election.id,
            "amount_cents": amount_cents,
            "entries": [minus.id, plus.id],
        },
    )
    donation_corrected.send(minus, contribution=donation)
    return minus, plus


def reattribute_donation(
    actor: Actor,
    donation: Donation,
    to_person: Person,
    amount_cents: int,
    on: date,
    contributor: dict[str, Any] | None = None,
) -> tuple[Donation, Donation]:
    """Move part of a contribution to the other holder of a joint account (their written
    reattribution). ``contributor`` holds their FEC details (name, address, employer ...)."""
    to_person = follow_merges(to_person)
    if to_person.id == donation.person_id:
        raise ValidationError(
            "That is the contributor already.", fields={"person_id": ["Choose the other signer."]}
        )
    _correctable(donation, amount_cents)
    group = uuid.uuid4()
    details = {name: value for name, value in (contributor or {}).items() if name in _COPIED}
    details.setdefault("first_name", (to_person.first_name or "")[:30] or None)
    details.setdefault("last_name", (to_person.last_name or "")[:30] or None)
    minus = _entry(
        donation,
        EntryKind.REATTRIBUTION,
        -amount_cents,
        on,
        group_uuid=group,
        entered_by_id=actor.user_id,
    )
    plus = _entry(
        donation,
        EntryKind.REATTRIBUTION,
        amount_cents,
        on,
        group_uuid=group,
        person_id=to_person.id,
        entered_by_id=actor.user_id,
        **details,
    )
    db.session.flush()
    _after(minus, [donation.person_id, to_person.id], moved_in=plus)
    record_audit(
        "donation.reattribute",
        entity=donation,
        changes={
            "to_person_id": to_person.id,
            "amount_cents": amount_cents,
            "entries": [minus.id, plus.id],
        },
    )
    donation_corrected.send(minus, contribution=donation)
    return minus, plus


def record_joint_donation(
    actor: Actor,
    fields: dict[str, Any],
    signers: list[tuple[Person, int]],
    details: list[dict[str, Any]] | None = None,
) -> list[Donation]:
    """One check signed by several people: a contribution per signer, each their share
    (the amounts given, adding up to the check), all sharing the check's ``group_uuid``.
    ``details`` holds each signer's own employer and occupation, where given."""
    if len(signers) < 2:
        raise ValidationError(
            "A joint contribution has two signers or more.",
            fields={"signers": ["Give at least two."]},
        )
    if sum(share for _, share in signers) != fields["amount_cents"]:
        raise ValidationError(
            "The shares must add up to the check.",
            fields={"signers": ["Shares do not add up to amount_cents."]},
        )
    group = uuid.uuid4()
    made = []
    for n, (person, share) in enumerate(signers):
        gift = {name: fields.get(name) for name in GIFT_FIELDS}
        gift.update(
            amount_cents=share,
            election_id=fields["election_id"],
            group_uuid=group,
            first_name=(person.first_name or "")[:30] or None,  # the FEC's lengths
            last_name=(person.last_name or "")[:30] or None,
            **(details[n] if details else {}),
        )
        donation, _ = record_donation(actor, gift, person=person)
        made.append(donation)
    return made


def _flag_new_excess(plus: Donation) -> None:
    """The part moved in may itself go over the new election's (or signer's) limit."""
    election = db.session.get(CandidateElection, plus.election_id)
    aggregate = standing_of(plus.person_id, election).election_cents
    over = min(plus.amount_cents, max(0, aggregate - election.limit_cents))
    if over:
        plus.excess_cents = over
        db.session.add(
            DonationFlag(
                organization_id=plus.organization_id,
                donation_id=plus.id,
                code=FlagCode.EXCESSIVE,
                amount_cents=over,
                due_on=plus.received_on,
            )
        )


def _after(entry: Donation, person_ids: list[int | None], moved_in: Donation | None = None) -> None:
    """Totals from the ledger again, then the excess a move brought in (flagged), then the
    excessive flags the change cured."""
    ids = [person_id for person_id in person_ids if person_id is not None]
    refresh_totals(entry.organization_id, ids)
    if moved_in is not None:
        _flag_new_excess(moved_in)
    for person_id in ids:
        settle_excess(entry.organization_id, person_id)


def settle_excess(organization_id: int, person_id: int) -> int:
    """Resolve the person's open excessive flags for every election they are back within the
    limit of. Returns how many were resolved."""
    flags = db.session.scalars(
        select(DonationFlag)
        .join(Donation, Donation.id == DonationFlag.donation_id)
        .where(
            Donation.organization_id == organization_id,
            Donation.person_id == person_id,
            DonationFlag.code == FlagCode.EXCESSIVE,
            DonationFlag.status.in_((FlagStatus.OPEN, FlagStatus.CONFIRMED)),
        )
    ).all()
    resolved = 0
    for flag in flags:
        election = flag.donation.election
        if standing_of(person_id, election).election_cents <= election.limit_cents:
            flag.status = FlagStatus.RESOLVED
            flag.resolved_at = datetime.now(UTC)
            record_audit(
                "donation_flag.resolve",
                entity=flag,
                changes={"status": "resolved", "by": "correction"},
            )
            resolved += 1
    return resolved

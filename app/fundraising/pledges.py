"""Pledges tracked to fulfilment. A pledge is fulfilled when the donor's gifts since the day it
was made (for its election, when it names one), net of what was refunded of them, add up to
it. Gifts go to the oldest pledge first; what is left of a gift goes on to the next.

The status is settled when a contribution lands (``donation_recorded``) and when a pledge is
changed; the amount received is counted live from the ledger on every read, so a refund shows
at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, and_, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased

from app.audit.operations import describe_changes, record_audit
from app.core.actor import Actor
from app.core.errors import NotFound
from app.core.pagination import Page, paginate
from app.core.signals import donation_recorded, donations_imported
from app.donations.models import Donation, EntryKind
from app.extensions import db
from app.fundraising.models import Pledge, PledgeStatus
from app.people.models import InteractionKind, Person
from app.people.operations import record_interaction
from app.people.visibility import is_listable


@dataclass(frozen=True)
class GiftIn:
    amount_cents: int
    received_on: date
    election_id: int


def allocate(
    pledges: Iterable[Pledge], gifts: Iterable[GiftIn]
) -> dict[int, tuple[int, date | None]]:
    """pledge id -> (cents received towards it, the day it was fulfilled or None)."""
    ordered = sorted(pledges, key=lambda p: (p.pledged_on, p.id))
    received = {pledge.id: 0 for pledge in ordered}
    fulfilled: dict[int, date] = {}
    for gift in sorted(gifts, key=lambda g: g.received_on):
        left = gift.amount_cents
        for pledge in ordered:
            if left <= 0:
                break
            if gift.received_on < pledge.pledged_on:
                continue
            if pledge.election_id is not None and pledge.election_id != gift.election_id:
                continue
            take = min(pledge.amount_cents - received[pledge.id], left)
            if take <= 0:
                continue
            received[pledge.id] += take
            left -= take
            if received[pledge.id] == pledge.amount_cents:
                fulfilled[pledge.id] = gift.received_on
    return {pid: (cents, fulfilled.get(pid)) for pid, cents in received.items()}


def gifts_of(person_ids: Iterable[int]) -> dict[int, list[GiftIn]]:
    """Each person's contributions, net of their refunds and chargebacks (not voided)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    refund = aliased(Donation)
    taken = (
        select(func.coalesce(func.sum(refund.amount_cents), 0))
        .where(
            refund.corrects_id == Donation.id,
            refund.voided_at.is_(None),
            refund.kind.in_((EntryKind.REFUND, EntryKind.CHARGEBACK)),
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Donation.person_id,
            Donation.amount_cents + taken,
            Donation.received_on,
            Donation.election_id,
        )
        .where(
            Donation.person_id.in_(ids),
            Donation.kind == EntryKind.CONTRIBUTION,
            Donation.voided_at.is_(None),
        )
        .order_by(Donation.received_on, Donation.id)
    )
    gifts: dict[int, list[GiftIn]] = {pid: [] for pid in ids}
    for person_id, net, received_on, election_id in rows:
        if net > 0:
            gifts[person_id].append(GiftIn(int(net), received_on, election_id))
    return gifts


def _standing_pledges(person_ids: Iterable[int]) -> list[Pledge]:
    return list(
        db.session.scalars(
            select(Pledge)
            .where(Pledge.person_id.in_(sorted(set(person_ids))))
            .where(Pledge.status != PledgeStatus.CANCELLED)
            .order_by(Pledge.pledged_on, Pledge.id)
        )
    )


def received_towards(pledges: Iterable[Pledge]) -> dict[int, tuple[int, date | None]]:
    """Live: each pledge's cents received and fulfilment day (cancelled ones: nothing)."""
    pledges = list(pledges)
    people = {pledge.person_id for pledge in pledges}
    standing = _standing_pledges(people)
    gifts = gifts_of(people)
    result: dict[int, tuple[int, date | None]] = {}
    for person_id in people:
        mine = [p for p in standing if p.person_id == person_id]
        result.update(allocate(mine, gifts.get(person_id, [])))
    return {pledge.id: result.get(pledge.id, (0, None)) for pledge in pledges}


def settle_pledges(person_id: int, *, user_id: int | None = None) -> list[Pledge]:
    """Mark the person's pledges fulfilled (or open again) as the ledger says; returns the
    ones fulfilled just now, each written in the person's history."""
    standing = _standing_pledges([person_id])
    if not standing:
        return []
    allocation = allocate(standing, gifts_of([person_id]).get(person_id, []))
    fulfilled_now = []
    for pledge in standing:
        _, fulfilled_on = allocation[pledge.id]
        if fulfilled_on is not None and pledge.status == PledgeStatus.OPEN:
            pledge.status, pledge.fulfilled_on = PledgeStatus.FULFILLED, fulfilled_on
            fulfilled_now.append(pledge)
        elif fulfilled_on is None and pledge.status == PledgeStatus.FULFILLED:
            pledge.status, pledge.fulfilled_on = PledgeStatus.OPEN, None
        else:
            continue
        changes = describe_changes(pledge)
        db.session.flush()
        record_audit("pledge.settle", entity=pledge, changes=changes)
    person = db.session.get(Person, person_id) if fulfilled_now else None
    for pledge in fulfilled_now:
        record_interaction(
            person,
            InteractionKind.NOTE,
            user_id=user_id,
            summary="Pledge fulfilled",
            data={"pledge_id": pledge.id},
        )
    return fulfilled_now


@donation_recorded.connect
def settle_on_gift(donation: Donation) -> None:
    """A gift landed: it may fulfil the donor's open pledges."""
    if donation.person_id is None or donation.kind != EntryKind.CONTRIBUTION:
        return
    has_open = db.session.scalar(
        select(Pledge.id).where(
            and_(Pledge.person_id == donation.person_id, Pledge.status == PledgeStatus.OPEN)
        )
    )
    if has_open is not None:
        settle_pledges(donation.person_id, user_id=donation.entered_by_id)


@donations_imported.connect
def settle_on_import(
    organization_id: int, *, donation_ids: list[int], person_ids: set[int]
) -> None:
    """An import's donors with open pledges: settled once each."""
    if not person_ids:
        return
    pledged = db.session.scalars(
        select(Pledge.person_id)
        .where(
            Pledge.person_id
            == any_(bindparam("people", list(person_ids), type_=ARRAY(BigInteger))),
            Pledge.status == PledgeStatus.OPEN,
        )
        .distinct()
    ).all()
    for person_id in pledged:
        settle_pledges(person_id, user_id=None)


def get_pledge(organization_id: int, pledge_id: int) -> Pledge:
    pledge = db.session.get(Pledge, pledge_id) if pledge_id < 2**63 else None
    if pledge is None or pledge.organization_id != organization_id:
        raise NotFound("No such pledge.", code="pledge_not_found")
    return pledge


def update_pledge(actor: Actor, pledge: Pledge, changes: Mapping[str, Any]) -> Pledge:
    """Change the amount, due day or note, cancel a pledge or open a cancelled one again."""
    for name, value in changes.items():
        setattr(pledge, name, PledgeStatus(value) if name == "status" else value)
    if pledge.status != PledgeStatus.CANCELLED and "status" in changes:
        pledge.status = PledgeStatus.OPEN  # settled again from the ledger just below
    if pledge.status == PledgeStatus.CANCELLED:
        pledge.fulfilled_on = None
    audit = describe_changes(pledge)
    db.session.flush()
    record_audit("pledge.update", entity=pledge, changes=audit)
    settle_pledges(pledge.person_id, user_id=actor.user_id)
    return pledge


def pledge_row(pledge: Pledge, received_cents: int, name: str, today: date) -> dict[str, Any]:
    overdue = pledge.status == PledgeStatus.OPEN and pledge.due_on is not None
    return {
        **{
            column: getattr(pledge, column)
            for column in (
                "id",
                "person_id",
                "amount_cents",
                "election_id",
                "pledged_on",
                "due_on",
                "status",
                "fulfilled_on",
                "note",
                "interaction_id",
            )
        },
        "name": name,
        "received_cents": received_cents,
        "is_overdue": overdue and pledge.due_on < today,
    }


def list_pledges(organization_id: int, args: Mapping[str, Any], today: date) -> Page:
    """Pledges (of people who may be listed), the soonest due first."""
    query = (
        select(Pledge)
        .join(Person, Person.id == Pledge.person_id)
        .where(Pledge.organization_id == organization_id, is_listable())
    )
    if args.get("status"):
        query = query.where(Pledge.status == args["status"])
    if args.get("person_id"):
        query = query.where(Pledge.person_id == args["person_id"])
    order = [Pledge.due_on.asc().nulls_last(), Pledge.pledged_on, Pledge.id]
    page = paginate(query, args, sortable={}, default_order=order)
    received = received_towards(page.items)
    people = {
        p.id: p.full_name
        for p in db.session.scalars(
            select(Person).where(Person.id.in_({pledge.person_id for pledge in page.items}))
        )
    }
    page.items = [
        pledge_row(p, received[p.id][0], people.get(p.person_id, ""), today) for p in page.items
    ]
    return page

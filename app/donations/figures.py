"""Figures of the money: deposit batches against their slips and one person's giving (the
campaign's totals are app.fundraising.totals, the one place for them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Text, cast, func, select

from app.core.pagination import Page, paginate
from app.donations.committee import committee_settings, limits_of
from app.donations.models import (
    CandidateElection,
    DepositBatch,
    Donation,
    Donor,
    DonorTotal,
    EntryKind,
)
from app.donations.queries import BATCH_SORTS, DonationRow, rows_of
from app.donations.rules import is_itemized
from app.extensions import db
from app.people.operations import campaign_zone
from app.people.queries import follow_merges, get_person

GIVING_RECENT = 50


@dataclass
class BatchRow:
    batch: DepositBatch
    entered_count: int
    entered_cents: int

    @property
    def count_difference(self) -> int:
        return self.entered_count - self.batch.expected_count

    @property
    def cents_difference(self) -> int:
        return self.entered_cents - self.batch.expected_cents

    @property
    def balanced(self) -> bool:
        return self.count_difference == 0 and self.cents_difference == 0


def _entered(batch_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per batch, the gifts entered (a joint check counts once) and their cents."""
    if not batch_ids:
        return {}
    gift = func.coalesce(cast(Donation.group_uuid, Text), cast(Donation.id, Text))
    rows = db.session.execute(
        select(
            Donation.batch_id,
            func.count(func.distinct(gift)),
            func.coalesce(func.sum(Donation.amount_cents), 0),
        )
        .where(
            Donation.batch_id.in_(batch_ids),
            Donation.voided_at.is_(None),
            Donation.kind == EntryKind.CONTRIBUTION,
        )
        .group_by(Donation.batch_id)
    ).all()
    return {batch_id: (int(count), int(cents)) for batch_id, count, cents in rows}


def batch_row(batch: DepositBatch) -> BatchRow:
    count, cents = _entered([batch.id]).get(batch.id, (0, 0))
    return BatchRow(batch, count, cents)


def list_batches(organization_id: int, args: Mapping[str, Any]) -> Page:
    """Deposit batches, open ones first, newest first."""
    stmt = select(DepositBatch).where(DepositBatch.organization_id == organization_id)
    if args.get("status") == "open":
        stmt = stmt.where(DepositBatch.closed_at.is_(None))
    elif args.get("status") == "closed":
        stmt = stmt.where(DepositBatch.closed_at.is_not(None))
    page = paginate(
        stmt,
        args,
        sortable=BATCH_SORTS,
        default_order=[
            DepositBatch.closed_at.desc().nulls_first(),
            DepositBatch.created_at.desc(),
            DepositBatch.id.desc(),
        ],
    )
    figures = _entered([batch.id for batch in page.items])
    page.items = [BatchRow(batch, *figures.get(batch.id, (0, 0))) for batch in page.items]
    return page


@dataclass
class Giving:
    person_id: int
    full_name: str
    is_donor: bool
    donor: Donor | None
    elections: list[dict[str, Any]]
    cycles: list[dict[str, Any]]
    donations: list[DonationRow]
    donations_total: int
    year: int
    year_to_date_cents: int


def giving(organization_id: int, person_id: int) -> Giving:
    """A person's giving (a merged-away id answers for the person it lives on): their FEC
    details and summary, where they stand per election and cycle, and their latest entries."""
    person = follow_merges(get_person(organization_id, person_id))
    donor = db.session.scalar(
        select(Donor).where(Donor.organization_id == organization_id, Donor.person_id == person.id)
    )
    standing = db.session.execute(
        select(CandidateElection, DonorTotal.amount_cents)
        .join(DonorTotal, DonorTotal.election_id == CandidateElection.id)
        .where(DonorTotal.person_id == person.id)
        .order_by(CandidateElection.held_on, CandidateElection.id)
    ).all()
    elections = [
        {"election_id": election.id, "code": election.code, "name": election.name,
         "cycle": election.cycle, "limit_cents": election.limit_cents,
         "amount_cents": amount, "remaining_cents": max(0, election.limit_cents - amount),
         "over_limit_cents": max(0, amount - election.limit_cents)}
        for election, amount in standing
    ]  # fmt: skip
    limits = limits_of(committee_settings(organization_id))
    by_cycle: dict[int, int] = {}
    for election in elections:
        by_cycle[election["cycle"]] = by_cycle.get(election["cycle"], 0) + election["amount_cents"]
    cycles = [
        {"cycle": cycle, "amount_cents": cents, "itemized": is_itemized(cents, limits)}
        for cycle, cents in sorted(by_cycle.items())
    ]
    entries = select(Donation).where(
        Donation.organization_id == organization_id, Donation.person_id == person.id
    )
    recent = db.session.scalars(
        entries.order_by(Donation.received_on.desc(), Donation.id.desc()).limit(GIVING_RECENT)
    ).all()
    total = db.session.scalar(select(func.count()).select_from(entries.subquery()))
    # The calendar year's net in the campaign's own day (a move between elections nets to 0).
    year = datetime.now(UTC).astimezone(campaign_zone(organization_id)).year
    year_to_date = db.session.scalar(
        select(func.coalesce(func.sum(Donation.amount_cents), 0)).where(
            Donation.organization_id == organization_id,
            Donation.person_id == person.id,
            Donation.voided_at.is_(None),
            Donation.received_on.between(date(year, 1, 1), date(year, 12, 31)),
        )
    )
    return Giving(
        person_id=person.id,
        full_name=person.full_name,
        is_donor=person.is_donor,
        donor=donor,
        elections=elections,
        cycles=cycles,
        donations=rows_of(list(recent), in_list=False),
        donations_total=total or 0,
        year=year,
        year_to_date_cents=int(year_to_date),
    )

"""Excess contributions and their cures: the letters, and where each cure stands.

A gift that takes its donor over an election's limit has an ``excessive`` flag due 60 days
from receipt (``excess_cure_days``). By then the committee must have refunded the excess, or
redesignated or reattributed it with the donor's written say-so, or, doing either without
it, told the donor in writing and offered a refund (11 CFR 103.3(b)(3), 110.1(b)(5),
110.1(k)(3)). Here:

- the worker's ``excess-cures`` task (hourly) asks each donor with an excess standing to
  choose (``excess_request``), once per gift, by email or by a letter in the next batch;
- a refund, redesignation or reattribution of a gift with an excess (``donation_corrected``)
  sends its notice at once (``refund_notice``, ``redesignation_notice``,
  ``reattribution_notice``); a chargeback moves money without a letter;
- ``cure_rows`` says for each excess what was done and sent, and when, and which are overdue:
  still standing after their day, or cured with a notice not sent (or sent late).

An email counts as sent when it is queued (the outbox delivers it after the commit), a letter
when its batch is printed. Letters reach a do-not-contact donor on paper: the law requires
them (``COMPLIANCE_KINDS``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from app.core.signals import donation_corrected
from app.core.tasks import periodic_task
from app.donations.models import Donation, DonationFlag, EntryKind, FlagCode, FlagStatus
from app.donations.queries import DonationRow, rows_of
from app.extensions import db
from app.fundraising.models import (
    COMPLIANCE_KINDS,
    Acknowledgement,
    AcknowledgementChannel,
    AcknowledgementKind,
    LetterBatch,
)
from app.fundraising.receipts import acknowledge

log = logging.getLogger(__name__)

NOTICE_OF = {
    EntryKind.REFUND: AcknowledgementKind.REFUND_NOTICE,
    EntryKind.REDESIGNATION: AcknowledgementKind.REDESIGNATION_NOTICE,
    EntryKind.REATTRIBUTION: AcknowledgementKind.REATTRIBUTION_NOTICE,
}
STATES = ("open", "overdue", "notice_due", "cured", "cured_late")
#: The most excesses one answer looks through (a campaign has tens; an import of old gifts
#: hundreds); the list is paged after the states are known.
MAX_SCANNED = 5_000


def _has_excess(contribution: Donation) -> bool:
    return (
        db.session.scalar(
            select(DonationFlag.id).where(
                DonationFlag.donation_id == contribution.id,
                DonationFlag.code == FlagCode.EXCESSIVE,
            )
        )
        is not None
    )


@donation_corrected.connect
def notify_cure(entry: Donation, *, contribution: Donation) -> None:
    """Tell the donor of a gift with an excess what was done with it (a chargeback: nothing)."""
    kind = NOTICE_OF.get(entry.kind)
    if kind is None or contribution.person_id is None or not _has_excess(contribution):
        return
    notified = [entry]
    if kind == AcknowledgementKind.REATTRIBUTION_NOTICE:  # the other holder is told too
        notified += db.session.scalars(
            select(Donation).where(Donation.group_uuid == entry.group_uuid, Donation.id != entry.id)
        ).all()
    for each in notified:
        if each.person_id is not None and not acknowledge(each, kind, user_id=entry.entered_by_id):
            log.warning("donation %s: no way to send its %s: staff must", each.id, kind)


def send_excess_requests(now: datetime, organization_id: int | None = None) -> dict[str, int]:
    """Ask every donor with an excess standing, not yet asked about that gift, to choose."""
    query = (
        select(Donation)
        .join(DonationFlag, DonationFlag.donation_id == Donation.id)
        .where(
            DonationFlag.code == FlagCode.EXCESSIVE,
            DonationFlag.status.in_((FlagStatus.OPEN, FlagStatus.CONFIRMED)),
            Donation.voided_at.is_(None),
            Donation.person_id.is_not(None),
            ~select(Acknowledgement.id)
            .where(
                Acknowledgement.donation_id == Donation.id,
                Acknowledgement.kind == AcknowledgementKind.EXCESS_REQUEST,
            )
            .exists(),
        )
        .order_by(DonationFlag.due_on, Donation.id)
    )
    if organization_id is not None:
        query = query.where(Donation.organization_id == organization_id)
    counts = {"emailed": 0, "letters": 0, "unreachable": 0}
    for donation in db.session.scalars(query):
        made = acknowledge(donation, AcknowledgementKind.EXCESS_REQUEST, now=now)
        if not made:
            counts["unreachable"] += 1
        for acknowledgement in made:
            counts["emailed" if acknowledgement.message_id else "letters"] += 1
    if counts["unreachable"]:
        log.info("%s excess contributions have no donor to write to", counts["unreachable"])
    return counts


@periodic_task("excess-cures", every=timedelta(hours=1))
def run_excess_cures(now: datetime) -> dict[str, int]:
    counts = send_excess_requests(now)
    overdue = db.session.scalar(
        select(func.count(DonationFlag.id)).where(
            DonationFlag.code == FlagCode.EXCESSIVE,
            DonationFlag.status.in_((FlagStatus.OPEN, FlagStatus.CONFIRMED)),
            DonationFlag.due_on < now.date(),
        )
    )
    if overdue:
        log.warning("%s excess contributions are past their 60 days uncured", overdue)
    return {**counts, "overdue": overdue or 0}


@dataclass
class Cure:
    """One excess: the gift, what corrected it, the letters about it, and where it stands."""

    flag: DonationFlag
    gift: DonationRow
    corrections: list[Donation] = field(default_factory=list)
    correction_rows: list[DonationRow] = field(default_factory=list)
    #: The other holder's half of each reattribution: they are told too.
    told_too: list[int] = field(default_factory=list)
    letters: list[dict[str, Any]] = field(default_factory=list)
    state: str = "open"
    cured_on: date | None = None

    @property
    def due_on(self) -> date | None:
        return self.flag.due_on


def letters_of(*where: Any, limit: int = MAX_SCANNED) -> list[dict[str, Any]]:
    """Letters and emails about gifts (``where``: conditions on ``Acknowledgement``), oldest
    first, each with when it was queued and when it went (null: a letter waiting to print)."""
    rows = db.session.execute(
        select(Acknowledgement, LetterBatch.created_at)
        .outerjoin(LetterBatch, LetterBatch.id == Acknowledgement.letter_batch_id)
        .where(*where)
        .order_by(Acknowledgement.id)
        .limit(limit)
    )
    found = []
    for acknowledgement, printed_at in rows:
        emailed = acknowledgement.channel == AcknowledgementChannel.EMAIL
        sent_at = acknowledgement.created_at if emailed else printed_at
        found.append(
            {
                "id": acknowledgement.id,
                "donation_id": acknowledgement.donation_id,
                "kind": acknowledgement.kind.value,
                "channel": acknowledgement.channel.value,
                "queued_at": acknowledgement.created_at,
                "sent_at": sent_at,
                "letter_batch_id": acknowledgement.letter_batch_id,
            }
        )
    return found


def _letters(entry_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for letter in letters_of(
        Acknowledgement.donation_id.in_(entry_ids), Acknowledgement.kind.in_(COMPLIANCE_KINDS)
    ):
        found.setdefault(letter["donation_id"], []).append(letter)
    return found


def _state(cure: Cure, today: date) -> str:
    due = cure.due_on or today
    if cure.flag.status in (FlagStatus.OPEN, FlagStatus.CONFIRMED):
        return "overdue" if today > due else "open"
    moves = [c.id for c in cure.corrections if c.kind in NOTICE_OF and c.kind != EntryKind.REFUND]
    moves += cure.told_too
    sent = {}
    for letter in cure.letters:
        if letter["sent_at"] is not None:
            day = letter["sent_at"].date()
            sent[letter["donation_id"]] = min(day, sent.get(letter["donation_id"], day))
    if any(entry_id not in sent for entry_id in moves):
        return "overdue" if today > due else "notice_due"
    late = (cure.cured_on and cure.cured_on > due) or any(sent[i] > due for i in moves)
    return "cured_late" if late else "cured"


def cure_rows(organization_id: int, args: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The campaign's excesses (``state`` one of ``STATES``, or every one), soonest due first,
    each with its corrections, its letters and their dates."""
    query = (
        select(DonationFlag, Donation)
        .join(Donation, Donation.id == DonationFlag.donation_id)
        .where(
            DonationFlag.organization_id == organization_id,
            DonationFlag.code == FlagCode.EXCESSIVE,
            Donation.voided_at.is_(None),
        )
        .order_by(DonationFlag.due_on, DonationFlag.id)
        .limit(MAX_SCANNED)
    )
    if args.get("person_id"):
        query = query.where(Donation.person_id == args["person_id"])
    found = db.session.execute(query).all()
    gifts = rows_of([donation for _, donation in found])
    gift_ids = [donation.id for _, donation in found]
    corrections: dict[int, list[Donation]] = {}
    for entry in db.session.scalars(
        select(Donation)
        .where(
            Donation.corrects_id.in_(gift_ids),
            Donation.voided_at.is_(None),
            Donation.amount_cents < 0,
        )
        .order_by(Donation.received_on, Donation.id)
    ):
        corrections.setdefault(entry.corrects_id, []).append(entry)
    every = [entry for entries in corrections.values() for entry in entries]
    shown = {row.donation.id: row for row in rows_of(every)}
    groups = [e.group_uuid for e in every if e.kind == EntryKind.REATTRIBUTION and e.group_uuid]
    other_half = dict(
        db.session.execute(
            select(Donation.group_uuid, Donation.id).where(
                Donation.group_uuid.in_(groups), Donation.amount_cents > 0
            )
        ).all()
    ) if groups else {}  # fmt: skip
    letters = _letters(gift_ids + [entry.id for entry in every] + list(other_half.values()))
    cures = []
    for (flag, donation), gift in zip(found, gifts, strict=True):
        entries = corrections.get(donation.id, [])
        halves = [other_half[e.group_uuid] for e in entries if e.group_uuid in other_half]
        cure = Cure(
            flag=flag,
            gift=gift,
            corrections=entries,
            correction_rows=[shown[entry.id] for entry in entries],
            letters=[
                letter
                for entry_id in (donation.id, *(e.id for e in entries), *halves)
                for letter in letters.get(entry_id, [])
            ],
            told_too=halves,
            cured_on=(flag.resolved_at.date() if flag.resolved_at else None),
        )
        if entries and flag.status == FlagStatus.RESOLVED:
            cure.cured_on = max(e.received_on for e in entries)
        cure.state = _state(cure, today)
        cures.append(cure)
    counts = {state: sum(c.state == state for c in cures) for state in STATES}
    if args.get("state"):
        cures = [cure for cure in cures if cure.state == args["state"]]
    page, per_page = args.get("page", 1), args.get("per_page", 50)
    return {
        "items": cures[(page - 1) * per_page : page * per_page],
        "total": len(cures),
        "page": page,
        "per_page": per_page,
        "counts": counts,
    }

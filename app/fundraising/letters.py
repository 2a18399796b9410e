"""Letters on paper: thank-yous for checks and messages to donors with no email wait as
``acknowledgements`` until someone prints a batch; the batch is one PDF, a letter a page, each
ending with the disclaimer and the "Paid for by" line in a box. Printing writes each letter in
the donor's history (a note: history has no kind for a letter) and, for a best-efforts
request, stamps ``donors.info_requested_at``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from app.audit.operations import record_audit
from app.core.actor import Actor
from app.core.errors import Conflict, NotFound
from app.donations.committee import committee_settings
from app.donations.models import Donation, Donor
from app.extensions import db
from app.fundraising.messages import committee_lines, compose
from app.fundraising.models import (
    COMPLIANCE_KINDS,
    Acknowledgement,
    AcknowledgementChannel,
    AcknowledgementKind,
    LetterBatch,
)
from app.fundraising.pdf import Page
from app.fundraising.receipts import HISTORY_SUMMARY, mark_info_requested
from app.fundraising.settings import fundraising_settings
from app.people.models import InteractionKind, Person
from app.people.operations import record_interaction

MAX_BATCH = 500


def _pending(organization_id: int):
    return (
        select(Acknowledgement)
        .join(Donation, Donation.id == Acknowledgement.donation_id)
        .join(Person, Person.id == Acknowledgement.person_id)
        .where(
            Acknowledgement.organization_id == organization_id,
            Acknowledgement.channel == AcknowledgementChannel.LETTER,
            Acknowledgement.letter_batch_id.is_(None),
            Donation.voided_at.is_(None),
            Person.is_deceased.is_(False),
            Person.do_not_contact.is_(False) | Acknowledgement.kind.in_(COMPLIANCE_KINDS),
        )
    )


def pending_letters(organization_id: int) -> dict[str, int]:
    """Letters waiting to be printed, per kind."""
    counts = dict.fromkeys((kind.value for kind in AcknowledgementKind), 0)
    rows = db.session.execute(
        _pending(organization_id)
        .with_only_columns(Acknowledgement.kind, func.count())
        .group_by(Acknowledgement.kind)
    )
    for kind, count in rows:
        counts[kind.value] = count
    return counts


def create_letter_batch(actor: Actor, now: datetime | None = None) -> LetterBatch:
    """Take the letters waiting (up to ``MAX_BATCH``, oldest first) into a new batch."""
    now = now or datetime.now(UTC)
    waiting = list(
        db.session.scalars(
            _pending(actor.organization_id)
            .order_by(Acknowledgement.id)
            .limit(MAX_BATCH)
            .with_for_update(of=Acknowledgement, skip_locked=True)
        )
    )
    if not waiting:
        raise Conflict("No letters are waiting to be printed.", code="no_letters_pending")
    batch = LetterBatch(
        organization_id=actor.organization_id,
        letter_count=len(waiting),
        created_by_id=actor.user_id,
    )
    db.session.add(batch)
    db.session.flush()
    for acknowledgement in waiting:
        acknowledgement.letter_batch_id = batch.id
        person = db.session.get(Person, acknowledgement.person_id)
        record_interaction(
            person,
            InteractionKind.NOTE,
            user_id=actor.user_id,
            occurred_at=now,
            summary=f"{HISTORY_SUMMARY[acknowledgement.kind]} (letter)",
            data={
                "donation_id": acknowledgement.donation_id,
                "letter_batch_id": batch.id,
                "channel": "letter",
                "acknowledgement": acknowledgement.kind.value,
            },
        )
        if acknowledgement.kind == AcknowledgementKind.INFO_REQUEST:
            mark_info_requested(actor.organization_id, person.id, now)
    db.session.flush()
    record_audit("letter_batch.create", entity=batch, changes={"letters": len(waiting)})
    return batch


def recent_batches(organization_id: int, limit: int = 20) -> list[LetterBatch]:
    return list(
        db.session.scalars(
            select(LetterBatch)
            .where(LetterBatch.organization_id == organization_id)
            .order_by(LetterBatch.id.desc())
            .limit(limit)
        )
    )


def get_letter_batch(organization_id: int, batch_id: int) -> LetterBatch:
    batch = db.session.get(LetterBatch, batch_id) if batch_id < 2**63 else None
    if batch is None or batch.organization_id != organization_id:
        raise NotFound("No such letter batch.", code="letter_batch_not_found")
    return batch


def _address(donation: Donation, donor: Donor | None) -> list[str]:
    """The mailing address as given with the gift, else the donor's."""
    source: Any = donation if donation.street_1 else donor
    if source is None:
        return []
    city = " ".join(
        p
        for p in (f"{source.city}," if source.city else "", source.state, (source.zip or "")[:5])
        if p
    )
    return [line for line in (source.street_1, source.street_2, city) if line]


def letter_rows(batch: LetterBatch) -> list[dict[str, Any]]:
    """Each letter of the batch: who, where, and its words."""
    rows = db.session.execute(
        select(Acknowledgement, Donation, Person, Donor)
        .join(Donation, Donation.id == Acknowledgement.donation_id)
        .join(Person, Person.id == Acknowledgement.person_id)
        .outerjoin(
            Donor,
            (Donor.person_id == Person.id) & (Donor.organization_id == Person.organization_id),
        )
        .where(Acknowledgement.letter_batch_id == batch.id)
        .order_by(Person.last_name, Person.first_name, Acknowledgement.id)
    ).all()
    settings = fundraising_settings(batch.organization_id)
    letters = []
    for acknowledgement, donation, person, donor in rows:
        first = donation.first_name or person.first_name or ""
        letters.append(
            {
                "name": " ".join(p for p in (first, donation.last_name or person.last_name) if p),
                "address": _address(donation, donor),
                "letter": compose(settings, acknowledgement.kind, donation, first),
            }
        )
    return letters


def committee_header(organization_id: int) -> list[str]:
    """The committee's name and address, at the head of each letter."""
    name, _, _ = committee_lines(organization_id)
    settings = committee_settings(organization_id)
    city = " ".join(p for p in (f"{settings.city}," if settings.city else "", settings.state,
                                settings.zip[:5]) if p)  # fmt: skip
    return [line for line in (name, settings.street_1, settings.street_2, city) if line]


def letters_pdf(letters: list[dict[str, Any]], header: list[str], on: date) -> bytes:
    """One letter a page: the committee, the date, the address block (for a window envelope),
    the words, and the disclaimer and "Paid for by" line boxed at the foot."""
    pdf = Page()
    for item in letters:
        pdf.add_page()
        pdf.write_lines(header[0], size=14, bold=True, gap=7)
        if header[1:]:
            pdf.write_lines("\n".join(header[1:]), size=9, gap=4.5)
        pdf.ln(4)
        pdf.write_lines(f"{on:%B} {on.day}, {on.year}")
        pdf.ln(8)
        pdf.write_lines("\n".join([item["name"], *item["address"]]))
        pdf.ln(10)
        letter = item["letter"]
        words = letter.body.rsplit(letter.disclaimer, 1)[0].rstrip()
        pdf.write_lines(words, gap=5.5)
        pdf.ln(8)
        pdf.set_font(pdf.family, size=9)
        pdf.multi_cell(
            0,
            5,
            pdf.text_of(f"{letter.disclaimer}\n{letter.paid_for_by}"),
            border=1,
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if not letters:
        pdf.add_page()
        pdf.write_lines("No letters in this batch.")
    return bytes(pdf.output())

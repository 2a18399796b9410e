"""Thanking donors: when a contribution lands (``donation_recorded``), a thank-you goes out by
email through the outbox (delivered after the commit), and a letter waits for the next batch
when the gift is a check or the donor has no email we may write to.

Who is written to: a person neither deceased nor do-not-contact, at the gift's own email or
their first email that has not opted out. A receipt is not marketing, so no consent to
campaign email is needed; an opt-out still holds. A gift older than ``thank_within_days``
(a file of old gifts loaded) and the later gifts of a recurring series are not thanked.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import BigInteger, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY

from app.core.signals import donation_recorded, donations_imported
from app.donations.models import Donation, Donor, EntryKind, Method
from app.extensions import db
from app.fundraising.messages import compose
from app.fundraising.models import (
    COMPLIANCE_KINDS,
    Acknowledgement,
    AcknowledgementChannel,
    AcknowledgementKind,
)
from app.fundraising.settings import fundraising_settings
from app.outreach.models import Channel
from app.outreach.operations import queue_message
from app.people.models import InteractionKind, Person
from app.people.operations import record_interaction

log = logging.getLogger(__name__)

HISTORY_SUMMARY = {
    AcknowledgementKind.THANK_YOU: "Thank-you for a donation",
    AcknowledgementKind.INFO_REQUEST: "Best-efforts request: employer and occupation",
    AcknowledgementKind.EXCESS_REQUEST: "Excess contribution: asked to choose a cure",
    AcknowledgementKind.REDESIGNATION_NOTICE: "Excess contribution: redesignation notice",
    AcknowledgementKind.REATTRIBUTION_NOTICE: "Excess contribution: reattribution notice",
    AcknowledgementKind.REFUND_NOTICE: "Excess contribution: refund notice",
}


@donation_recorded.connect
def thank_donor(donation: Donation) -> None:
    """Thank the donor of a contribution that just landed, if the campaign thanks at all."""
    if donation.kind != EntryKind.CONTRIBUTION or donation.person_id is None:
        return
    settings = fundraising_settings(donation.organization_id)
    oldest = datetime.now(UTC).date() - timedelta(days=settings.thank_within_days)
    if not settings.receipts_enabled or donation.received_on < oldest:
        return
    if donation.recurring_series and _series_thanked(donation):
        return
    acknowledge(donation, AcknowledgementKind.THANK_YOU)


@donations_imported.connect
def thank_imported(organization_id: int, *, donation_ids: list[int], person_ids: set[int]) -> None:
    """An import's recent contributions are thanked as one recorded by hand would be (an old
    file loaded thanks nobody: the window is checked first, in one query)."""
    settings = fundraising_settings(organization_id)
    if not settings.receipts_enabled or not donation_ids:
        return
    oldest = datetime.now(UTC).date() - timedelta(days=settings.thank_within_days)
    recent = db.session.scalars(
        select(Donation)
        .where(
            Donation.id == any_(bindparam("gifts", donation_ids, type_=ARRAY(BigInteger))),
            Donation.received_on >= oldest,
        )
        .order_by(Donation.id)
    ).all()
    for donation in recent:
        thank_donor(donation)


def _series_thanked(donation: Donation) -> bool:
    """A recurring series is thanked once, for its first gift (the processor receipts each)."""
    return (
        db.session.scalar(
            select(Donation.id).where(
                Donation.organization_id == donation.organization_id,
                Donation.recurring_series == donation.recurring_series,
                Donation.person_id == donation.person_id,
                Donation.id != donation.id,
                Donation.kind == EntryKind.CONTRIBUTION,
            )
        )
        is not None
    )


def email_for(person: Person, donation: Donation) -> str | None:
    """The address to write to: the gift's own unless the person opted it out, else the
    person's first (primary first) that has not opted out. A part reattributed to someone
    carries the giver's email, not theirs: only their own addresses are theirs."""
    if person.is_deceased or person.do_not_contact:
        return None
    opted_out = {e.address for e in person.emails if e.do_not_contact}
    moved_in = donation.kind == EntryKind.REATTRIBUTION and donation.amount_cents > 0
    given = "" if moved_in else (donation.email or "").strip().lower()
    if given and given not in opted_out:
        return given
    usable = sorted(
        (e for e in person.emails if not e.do_not_contact), key=lambda e: (not e.is_primary, e.id)
    )
    return usable[0].address if usable else None


def has_mailing_address(donation: Donation) -> bool:
    if donation.street_1 and donation.zip:
        return True
    donor = db.session.scalar(
        select(Donor).where(
            Donor.organization_id == donation.organization_id,
            Donor.person_id == donation.person_id,
        )
    )
    return donor is not None and bool(donor.street_1 and donor.zip)


def acknowledge(
    donation: Donation,
    kind: AcknowledgementKind,
    *,
    user_id: int | None = None,
    now: datetime | None = None,
) -> list[Acknowledgement]:
    """Send ``kind`` about ``donation`` to its donor: email when we may write to them, and a
    letter when there is no email (a check's thank-you: a letter as well). Each (gift, kind,
    channel) goes once. A notice the law requires reaches a do-not-contact person on paper."""
    person = db.session.get(Person, donation.person_id)
    required = kind in COMPLIANCE_KINDS
    if person is None or person.is_deceased or (person.do_not_contact and not required):
        return []
    email = email_for(person, donation)
    channels = []
    if email:
        channels.append(AcknowledgementChannel.EMAIL)
    # A check is thanked on paper too (its donor wrote to us); a request needs one channel.
    on_paper = donation.method == Method.CHECK and kind == AcknowledgementKind.THANK_YOU
    if (on_paper or not email) and has_mailing_address(donation):
        channels.append(AcknowledgementChannel.LETTER)
    if not channels:
        log.info("donation %s: no email or mailing address for its %s", donation.id, kind)
        return []
    done = set(
        db.session.scalars(
            select(Acknowledgement.channel).where(
                Acknowledgement.donation_id == donation.id, Acknowledgement.kind == kind
            )
        )
    )
    made = []
    for channel in channels:
        if channel in done:
            continue
        acknowledgement = Acknowledgement(
            organization_id=donation.organization_id,
            donation_id=donation.id,
            person_id=person.id,
            kind=kind,
            channel=channel,
        )
        if channel == AcknowledgementChannel.EMAIL:
            _email(acknowledgement, donation, person, email, user_id, now or datetime.now(UTC))
        db.session.add(acknowledgement)
        made.append(acknowledgement)
    db.session.flush()
    return made


def _email(
    acknowledgement: Acknowledgement,
    donation: Donation,
    person: Person,
    address: str,
    user_id: int | None,
    now: datetime,
) -> None:
    settings = fundraising_settings(donation.organization_id)
    letter = compose(settings, acknowledgement.kind, donation, person.first_name or "")
    message = queue_message(
        organization_id=donation.organization_id,
        channel=Channel.EMAIL,
        recipient=address,
        subject=letter.subject,
        body=letter.body,
        kind=f"donation.{acknowledgement.kind.value}",
    )
    db.session.flush()
    acknowledgement.message_id = message.id
    record_interaction(
        person,
        InteractionKind.EMAIL,
        user_id=user_id,
        summary=HISTORY_SUMMARY[acknowledgement.kind],
        data={
            "donation_id": donation.id,
            "message_id": message.id,
            "acknowledgement": acknowledgement.kind.value,
        },
    )
    if acknowledgement.kind == AcknowledgementKind.INFO_REQUEST:
        mark_info_requested(donation.organization_id, person.id, now)


def mark_info_requested(organization_id: int, person_id: int, at: datetime) -> None:
    donor = db.session.scalar(
        select(Donor).where(Donor.organization_id == organization_id, Donor.person_id == person_id)
    )
    if donor is not None:
        donor.info_requested_at = at

"""Best efforts: a donor itemised without employer or occupation (the ``missing_employer``
flag, due in ``best_efforts_days``) is asked for them once, by email or by letter, and the
request is written in their history and on ``donors.info_requested_at`` (what the report
cites). The worker's ``best-efforts`` task sends what is due every hour."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select

from app.core.tasks import periodic_task
from app.donations.models import Donation, DonationFlag, Donor, FlagCode, FlagStatus
from app.extensions import db
from app.fundraising.models import Acknowledgement, AcknowledgementKind
from app.fundraising.receipts import acknowledge

log = logging.getLogger(__name__)


def _requested_since_flag():
    """An information request to the same person made after the flag was raised covers it."""
    return exists().where(
        Acknowledgement.kind == AcknowledgementKind.INFO_REQUEST,
        Acknowledgement.person_id == Donation.person_id,
        Acknowledgement.created_at >= DonationFlag.raised_at,
    )


def due_requests(organization_id: int | None = None) -> list[Donation]:
    """Per donor with an open ``missing_employer`` flag no request has covered yet: their
    latest such gift (the request names it), the soonest due donor first."""
    query = (
        select(Donation)
        .join(DonationFlag, DonationFlag.donation_id == Donation.id)
        .where(
            DonationFlag.code == FlagCode.MISSING_EMPLOYER,
            DonationFlag.status == FlagStatus.OPEN,
            Donation.voided_at.is_(None),
            Donation.person_id.is_not(None),
            ~_requested_since_flag(),
        )
        .order_by(DonationFlag.due_on.nulls_last(), Donation.received_on.desc(), Donation.id)
    )
    if organization_id is not None:
        query = query.where(Donation.organization_id == organization_id)
    latest: dict[int, Donation] = {}
    for donation in db.session.scalars(query):
        current = latest.get(donation.person_id)
        if current is None or donation.received_on > current.received_on:
            latest[donation.person_id] = donation
    return list(latest.values())


def _details_known(donation: Donation) -> bool:
    """The donor has given both since (the flag waits for staff to resolve it)."""
    return (
        db.session.scalar(
            select(Donor.id).where(
                and_(
                    Donor.organization_id == donation.organization_id,
                    Donor.person_id == donation.person_id,
                    Donor.employer.is_not(None),
                    Donor.employer != "",
                    Donor.occupation.is_not(None),
                    Donor.occupation != "",
                )
            )
        )
        is not None
    )


def send_info_requests(now: datetime, organization_id: int | None = None) -> dict[str, int]:
    """Ask every donor whose request is due; returns what was done, for the log."""
    counts = {"emailed": 0, "letters": 0, "known": 0, "unreachable": 0, "late": 0}
    for donation in due_requests(organization_id):
        if _details_known(donation):
            counts["known"] += 1
            continue
        made = acknowledge(donation, AcknowledgementKind.INFO_REQUEST, now=now)
        if not made:
            counts["unreachable"] += 1
            continue
        for acknowledgement in made:
            counts["emailed" if acknowledgement.message_id else "letters"] += 1
        flag_due = db.session.scalar(
            select(DonationFlag.due_on).where(
                DonationFlag.donation_id == donation.id,
                DonationFlag.code == FlagCode.MISSING_EMPLOYER,
            )
        )
        if flag_due is not None and flag_due < now.date():
            counts["late"] += 1
            log.warning(
                "best-efforts request for donation %s went out after %s", donation.id, flag_due
            )
    if counts["unreachable"]:
        log.info(
            "%s donors with missing details cannot be written to (no email or address, "
            "or do-not-contact): staff ask them by hand",
            counts["unreachable"],
        )
    return counts


@periodic_task("best-efforts", every=timedelta(hours=1))
def run_best_efforts(now: datetime) -> dict[str, int]:
    return send_info_requests(now)

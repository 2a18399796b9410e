"""Staff's decisions on flags: confirm a problem (the cure is then owed), clear one found fine
(with a note), or mark one cured by hand (a letter of redesignation on file, the employer
given by phone)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Select, select

from app.audit.operations import describe_changes, record_audit
from app.core.actor import Actor
from app.core.errors import Conflict, NotFound, ValidationError
from app.donations.models import Donation, DonationFlag, FlagCode, FlagStatus
from app.extensions import db

#: What a person may set a flag to, from where it stands.
_MOVES = {
    FlagStatus.OPEN: {FlagStatus.CONFIRMED, FlagStatus.CLEARED, FlagStatus.RESOLVED},
    FlagStatus.CONFIRMED: {FlagStatus.RESOLVED, FlagStatus.CLEARED},
    FlagStatus.CLEARED: {FlagStatus.OPEN},
    FlagStatus.RESOLVED: {FlagStatus.OPEN},
}


def get_flag(organization_id: int, flag_id: int) -> DonationFlag:
    flag = db.session.get(DonationFlag, flag_id)
    if flag is None or flag.organization_id != organization_id:
        raise NotFound("No such flag.")
    return flag


def review_flag(actor: Actor, flag: DonationFlag, status: FlagStatus, note: str) -> DonationFlag:
    """Move a flag as staff decide; clearing or resolving one needs a note saying why."""
    if status not in _MOVES[flag.status]:
        raise Conflict(
            f"A {flag.status.value} flag cannot become {status.value}.",
            code="flag_status_invalid",
            fields={"status": [f"From {flag.status.value}: {sorted(_MOVES[flag.status])}."]},
        )
    if status in (FlagStatus.CLEARED, FlagStatus.RESOLVED) and not note.strip():
        raise ValidationError("Say why.", fields={"note": ["A note is required."]})
    if flag.code == FlagCode.EXCESSIVE and status == FlagStatus.CLEARED:
        raise Conflict(
            "An excess is cured by a refund, redesignation or reattribution, not cleared.",
            code="excess_not_clearable",
        )
    flag.status = status
    flag.note = note.strip()[:300] or flag.note
    if status in (FlagStatus.CLEARED, FlagStatus.RESOLVED):
        flag.resolved_at = datetime.now(UTC)
        flag.resolved_by_id = actor.user_id
    else:
        flag.resolved_at = None
        flag.resolved_by_id = None
    changes = describe_changes(flag)
    db.session.flush()
    record_audit("donation_flag.review", entity=flag, changes=changes)
    return flag


def open_flags(organization_id: int, code: FlagCode | None = None) -> list[DonationFlag]:
    """Flags staff must still act on, the soonest due first."""
    return list(db.session.scalars(open_flags_query(organization_id, code)))


def open_flags_query(organization_id: int, code: FlagCode | None = None) -> Select:
    """``open_flags`` as a statement (the API pages it)."""
    query = (
        select(DonationFlag)
        .join(Donation, Donation.id == DonationFlag.donation_id)
        .where(
            DonationFlag.organization_id == organization_id,
            DonationFlag.status.in_((FlagStatus.OPEN, FlagStatus.CONFIRMED)),
            Donation.voided_at.is_(None),
        )
        .order_by(DonationFlag.due_on.nulls_last(), DonationFlag.id)
    )
    if code is not None:
        query = query.where(DonationFlag.code == code)
    return query

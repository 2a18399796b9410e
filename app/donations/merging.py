"""A merge of two people (``app.core.signals.person_merged``): their gifts move, and the kept
person's aggregates are counted again from the ledger (two people's gifts may now be over a
limit together: that is flagged, as it would have been had they been one all along)."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from app.core.signals import person_merged
from app.donations.models import Donation, DonationFlag, Donor, DonorTotal, FlagCode, FlagStatus
from app.donations.totals import refresh_totals, standing_of
from app.extensions import db
from app.people.models import Person


@person_merged.connect
def move_donations(kept: Person, *, merged: Person) -> dict[str, int]:
    moved = db.session.execute(
        update(Donation)
        .where(Donation.person_id == merged.id)
        .values(person_id=kept.id)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    db.session.execute(
        update(Donation)
        .where(Donation.fundraiser_person_id == merged.id)
        .values(fundraiser_person_id=kept.id)
        .execution_options(synchronize_session=False)
    )
    if not moved:
        return {"donations": 0}
    _keep_donor_details(kept, merged)
    db.session.execute(delete(DonorTotal).where(DonorTotal.person_id == merged.id))
    refresh_totals(kept.organization_id, [kept.id, merged.id])
    _flag_joined_excess(kept)
    return {"donations": moved}


def _keep_donor_details(kept: Person, merged: Person) -> None:
    """The kept person's FEC details win; the merged person's fill what they lack."""
    donors = {
        donor.person_id: donor
        for donor in db.session.scalars(
            select(Donor).where(Donor.person_id.in_((kept.id, merged.id)))
        )
    }
    other = donors.get(merged.id)
    if other is None:
        return
    mine = donors.get(kept.id)
    if mine is None:
        other.person_id = kept.id
        return
    for name in ("employer", "occupation", "street_1", "street_2", "city", "state", "zip"):
        if not getattr(mine, name) and getattr(other, name):
            setattr(mine, name, getattr(other, name))
    db.session.delete(other)
    db.session.flush()


def _flag_joined_excess(kept: Person) -> None:
    """Each election the two together are over the limit of: the latest gift carries it."""
    latest_per_election: dict[int, Donation] = {}
    for donation in db.session.scalars(
        select(Donation)
        .where(Donation.person_id == kept.id, Donation.voided_at.is_(None))
        .order_by(Donation.received_on, Donation.id)
    ):
        if donation.amount_cents > 0:
            latest_per_election[donation.election_id] = donation
    for donation in latest_per_election.values():
        election = donation.election
        over = standing_of(kept.id, election).election_cents - election.limit_cents
        if over <= 0:
            continue
        flag = db.session.scalar(
            select(DonationFlag).where(
                DonationFlag.donation_id == donation.id, DonationFlag.code == FlagCode.EXCESSIVE
            )
        )
        if flag is None:
            db.session.add(
                DonationFlag(
                    organization_id=donation.organization_id,
                    donation_id=donation.id,
                    code=FlagCode.EXCESSIVE,
                    amount_cents=min(over, donation.amount_cents),
                    due_on=donation.received_on,
                    note="Over the limit once two records of one person were merged.",
                )
            )
        elif flag.status == FlagStatus.RESOLVED:
            flag.status = FlagStatus.OPEN

"""Gifts a bulk import records (set-based: no ``donation_recorded`` per gift) are thanked and
settle pledges as gifts recorded one by one do: the import sends ``donations_imported``."""

from __future__ import annotations

import csv
from datetime import timedelta

from sqlalchemy import select

from app.donations.committee import update_committee_settings
from app.donations.models import Donation, EntryKind
from app.extensions import db
from app.fundraising.models import Acknowledgement, AcknowledgementKind, Pledge, PledgeStatus
from tests.donations.test_actblue_csv import SAMPLE, import_file
from tests.fundraising.conftest import donor, today


def _file(tmp_path, rows: list[dict]) -> str:
    with SAMPLE.open(newline="") as handle:
        header = next(csv.reader(handle))
    path = tmp_path / "recent.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({name: row.get(name, "") for name in header})
    return path


def _row(line_id: str, day, amount: str, first: str, email: str) -> dict:
    return {
        "Receipt ID": f"R{line_id}", "Lineitem ID": line_id, "Date": f"{day} 10:00:00",
        "Amount": amount, "Donor First Name": first, "Donor Last Name": "Giver",
        "Donor Addr1": "5 Oak St", "Donor City": "Philadelphia", "Donor State": "PA",
        "Donor ZIP": "19104", "Donor Country": "United States", "Donor Occupation": "Nurse",
        "Donor Employer": "CHOP", "Donor Email": email, "Recipient Gov ID": "C00123456",
        "Recipient Election": "G2026",
    }  # fmt: skip


def test_an_imports_recent_gifts_are_thanked_and_settle_pledges(
    runner, org, actor, elections, tmp_path
):
    update_committee_settings(actor, {"committee_id": "C00123456"})
    pledger = donor(org, "Pia", "Giver", email="pia@example.org")
    pledged_on = today() - timedelta(days=3)
    db.session.add(Pledge(organization_id=org.id, person_id=pledger.id, amount_cents=5_000,
                          pledged_on=pledged_on, status=PledgeStatus.OPEN))  # fmt: skip
    db.session.flush()
    path = _file(tmp_path, [
        _row("L1", today(), "50.00", "Pia", "pia@example.org"),
        _row("L2", today() - timedelta(days=90), "20.00", "Old", "old@example.org"),
    ])  # fmt: skip
    import_file(runner, org, path)
    gifts = {
        d.processor_line_id: d
        for d in db.session.scalars(
            select(Donation).where(
                Donation.organization_id == org.id, Donation.kind == EntryKind.CONTRIBUTION
            )
        )
    }
    thanked = set(
        db.session.scalars(
            select(Acknowledgement.donation_id).where(
                Acknowledgement.kind == AcknowledgementKind.THANK_YOU
            )
        )
    )
    assert gifts["L1"].id in thanked  # today's gift: thanked
    assert gifts["L2"].id not in thanked  # a gift of 90 days ago loaded late: not
    pledge = db.session.scalar(select(Pledge).where(Pledge.person_id == pledger.id))
    db.session.refresh(pledge)
    assert pledge.status == PledgeStatus.FULFILLED

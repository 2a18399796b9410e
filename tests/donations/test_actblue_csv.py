"""ActBlue's contributions CSV: ``doorstep import donations FILE --format actblue``.

The fixture (data/actblue_contributions.csv) has ActBlue's published header (as its CSV API
and Parsons' recorded sample give it) plus a column ActBlue might add later, and rows for the
cases that matter: a recurring gift, the gift that crosses the limit, a refund, an unknown
election, a fraction of a cent, a foreign address, a missing line id, another committee's line.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.cli import cli
from app.core.actor import Actor
from app.core.reading import read_rows
from app.donations.actblue import CSV_COLUMNS, actblue_source
from app.donations.committee import add_election, update_committee_settings
from app.donations.income import record_gift
from app.donations.models import (
    CandidateElection,
    Donation,
    DonationFlag,
    Donor,
    DonorTotal,
    EntryKind,
    Method,
)
from app.donations.operations import record_donation
from app.donations.sources import RowProblem, read_gift
from app.extensions import db
from app.imports.models import ImportJob, ImportReject
from app.people.models import Interaction, Person, PersonEmail
from tests.factories import create_household, create_organization, create_person

SAMPLE = Path(__file__).parent / "data" / "actblue_contributions.csv"
SUMMARY = re.compile(
    r"^import (\d+): (\d+) rows read, (\d+) loaded, (\d+) updated, (\d+) unchanged, "
    r"(\d+) rejected, (\d+) removed, [0-9.]+ s$"
)


@pytest.fixture
def campaign(org, actor, elections):
    update_committee_settings(actor, {"committee_id": "C00123456"})
    return org


def import_file(runner, org, path=SAMPLE, fmt="actblue"):
    result = runner.invoke(
        cli, ["import", "donations", str(path), "--format", fmt, "--org", org.slug, "--quiet"]
    )
    db.session.execute(text("DISCARD TEMP"))  # what the command's commit does outside tests
    assert result.exit_code == 0, result.output
    match = SUMMARY.match(result.output.strip().splitlines()[-1])
    assert match, result.output
    return tuple(int(n) for n in match.groups())


def line(org, line_id) -> Donation:
    return db.session.scalar(
        select(Donation).where(
            Donation.organization_id == org.id,
            Donation.processor_line_id == line_id,
            Donation.kind == EntryKind.CONTRIBUTION,
        )
    )


def test_import_then_reimport_changes_nothing(runner, campaign):
    job_id, read, loaded, updated, unchanged, rejected, removed = import_file(runner, campaign)
    assert (read, loaded, updated, unchanged, rejected, removed) == (11, 7, 0, 0, 4, 0)
    job = db.session.get(ImportJob, job_id)
    assert job.summary["new_people"] == 5 and job.summary["refunds"] == 1
    counts = db.session.execute(
        text(
            "SELECT (SELECT count(*) FROM donations WHERE organization_id = :o),"
            " (SELECT count(*) FROM donation_flags WHERE organization_id = :o),"
            " (SELECT count(*) FROM people WHERE organization_id = :o),"
            " (SELECT coalesce(sum(amount_cents), 0) FROM donor_totals WHERE organization_id = :o)"
        ),
        {"o": campaign.id},
    ).one()

    again = import_file(runner, campaign)
    assert again[1:] == (11, 0, 0, 7, 4, 0)
    assert (
        db.session.execute(
            text(
                "SELECT (SELECT count(*) FROM donations WHERE organization_id = :o),"
                " (SELECT count(*) FROM donation_flags WHERE organization_id = :o),"
                " (SELECT count(*) FROM people WHERE organization_id = :o),"
                " (SELECT coalesce(sum(amount_cents), 0) FROM donor_totals"
                "  WHERE organization_id = :o)"
            ),
            {"o": campaign.id},
        ).one()
        == counts
    )


def test_rejects_name_the_row_and_the_column(runner, campaign):
    job_id, *_ = import_file(runner, campaign)
    rejects = db.session.execute(
        select(ImportReject.line_no, ImportReject.column, ImportReject.reason, ImportReject.value)
        .where(ImportReject.job_id == job_id)
        .order_by(ImportReject.line_no)
    ).all()
    assert [(r.line_no, r.column) for r in rejects] == [
        (7, "Recipient Election"),
        (8, "Amount"),
        (11, "Lineitem ID"),
        (12, "Recipient Gov ID"),
    ]
    assert "unknown election" in rejects[0].reason and rejects[0].value == "Mayoral 2026"
    assert "fraction of a cent" in rejects[1].reason and rejects[1].value == "12.345"


def test_gifts_land_as_record_donation_would(runner, campaign, elections):
    import_file(runner, campaign)
    first = line(campaign, "1001")
    assert (first.amount_cents, first.received_on, first.election_id) == (
        2500,
        date(2026, 3, 1),
        elections["P"].id,
    )
    assert (first.conduit_name, first.conduit_committee_id, first.processor) == (
        "ActBlue",
        "C00401224",
        "actblue",
    )
    assert (first.processor_receipt_id, first.zip, first.country) == ("AB1001", "191041234", "US")
    assert first.page == "pat-2026" and first.reference_code == "email-march"
    assert line(campaign, "1002").recurring_series == "AB1002"
    assert line(campaign, "1001").recurring_series is None
    # Ada's three gifts are one person (the email, whatever its case): the third crosses.
    ada = [line(campaign, n) for n in ("1001", "1002", "1003")]
    assert len({gift.person_id for gift in ada}) == 1
    crossing = db.session.scalars(select(DonationFlag).where(DonationFlag.donation_id == ada[2].id))
    assert [(f.code.value, f.amount_cents) for f in crossing] == [("excessive", 2500)]
    assert ada[2].excess_cents == 2500
    total = db.session.scalar(
        select(DonorTotal.amount_cents).where(
            DonorTotal.person_id == ada[0].person_id, DonorTotal.election_id == elections["P"].id
        )
    )
    assert total == 352_500
    donor = db.session.scalar(select(Donor).where(Donor.person_id == ada[0].person_id))
    assert (donor.gift_count, donor.total_cents, donor.is_recurring) == (3, 352_500, True)
    assert (donor.employer, donor.zip) == ("Acme", "19104")  # the latest gift's details
    bob = line(campaign, "1004")
    assert {f.code.value for f in bob.flags} == {"missing_employer"}
    assert line(campaign, "1008").election_id == elections["G"].id
    gus = line(campaign, "1009")
    assert gus.country == "CA" and {f.code.value for f in gus.flags} == {"foreign_national"}
    assert gus.received_on == date(2026, 3, 31)  # 11:30 pm in New York, the campaign's zone
    history = db.session.scalar(
        select(Interaction).where(Interaction.data["donation_id"].as_integer() == first.id)
    )
    assert history.summary == "Donation (card)" and history.person_id == first.person_id


def test_a_refund_row_is_the_gift_and_its_refund(runner, campaign):
    import_file(runner, campaign)
    gift = line(campaign, "1005")
    refund = db.session.scalar(select(Donation).where(Donation.corrects_id == gift.id))
    assert (refund.kind, refund.amount_cents, refund.processor_line_id) == (
        EntryKind.REFUND,
        -5000,
        "refund-9005",
    )
    assert refund.received_on == date(2026, 3, 10)
    donor = db.session.scalar(select(Donor).where(Donor.person_id == gift.person_id))
    assert donor.total_cents == 0


def test_the_campaigns_time_zone_decides_the_day(runner, campaign, actor):
    campaign.time_zone = "America/Denver"
    db.session.flush()
    import_file(runner, campaign)
    assert line(campaign, "1009").received_on == date(2026, 3, 31)  # 9:30 pm in Denver
    source = actblue_source(campaign.id)
    values = {"line_id": "X1", "amount": "5", "date": "2026-04-01 01:30:00", "last_name": "Late"}
    gift = read_gift(source, lambda name: values.get(name, ""))
    assert gift.fields["received_on"] == date(2026, 3, 31)  # 1:30 am in New York


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("", "P"),
        ("primary", "P"),
        ("Primary 2026", "P"),
        ("2026 primary", "P"),
        ("p2026", "P"),
        ("GENERAL", "G"),
        ("general election 2026", "G"),
        ("G2026", "G"),
    ],
)
def test_recipient_election_maps_to_the_candidates_elections(campaign, elections, label, expected):
    source = actblue_source(campaign.id)
    values = {"line_id": "L", "amount": "5", "date": "2026-03-01", "election": label,
              "last_name": "X"}  # fmt: skip
    gift = read_gift(source, lambda name: values.get(name, ""))
    assert gift.fields["election_id"] == elections[expected].id


@pytest.mark.parametrize("label", ["G2024", "general 2030", "mayoral", "runoff"])
def test_unknown_elections_are_refused(campaign, elections, label):
    source = actblue_source(campaign.id)
    values = {"line_id": "L", "amount": "5", "date": "2026-03-01", "election": label}
    with pytest.raises(RowProblem) as problem:
        read_gift(source, lambda name: values.get(name, ""))
    assert problem.value.column == "Recipient Election"


def snapshot(org_id: int) -> dict:
    """What the books say, by the processor's ids and the donors' names (not row ids)."""
    names = dict(
        db.session.execute(
            select(Person.id, Person.last_name).where(Person.organization_id == org_id)
        ).all()
    )
    entries = db.session.scalars(select(Donation).where(Donation.organization_id == org_id))
    codes = dict(db.session.execute(select(CandidateElection.id, CandidateElection.code)).all())
    books = {
        (d.processor_line_id, d.kind.value): (
            names.get(d.person_id), d.amount_cents, d.excess_cents, d.received_on, d.memo,
            d.recurring_series, d.corrects_id is not None, d.conduit_name, d.email,
            d.match_status.value, codes[d.election_id],
            sorted((f.code.value, f.amount_cents, f.status.value, f.due_on) for f in d.flags),
        )
        for d in entries
    }  # fmt: skip
    codes = dict(db.session.execute(select(CandidateElection.id, CandidateElection.code)).all())
    totals = {
        (names[t.person_id], codes[t.election_id], t.amount_cents)
        for t in db.session.scalars(select(DonorTotal).where(DonorTotal.organization_id == org_id))
    }
    donors = {
        names[d.person_id]: (d.total_cents, d.gift_count, d.largest_cents, d.employer, d.zip)
        for d in db.session.scalars(select(Donor).where(Donor.organization_id == org_id))
    }
    return {"books": books, "totals": totals, "donors": donors, "people": sorted(names.values())}


def prepare(org, actor, elections) -> None:
    """What the campaign knows before the file: Ada on the voter file (matched by name, house
    number and ZIP), two Bob Givers in Bob's ZIP (his gift waits for review), Fay with a gift
    to the general already (the file's gift crosses the limit), and Gus's email on a record
    merged into another (his gifts follow the merge)."""
    create_person(
        org,
        first_name="ADA",
        last_name="DONOR",
        household=create_household(org, house_number="12", street="ELM ST"),
    )
    for house in ("41", "42"):
        create_person(
            org,
            first_name="BOB",
            last_name="GIVER",
            household=create_household(org, house_number=house, zip="19143"),
        )
    fay = create_person(org, first_name="Fay", last_name="General")
    fay.emails.append(PersonEmail(organization_id=org.id, address="fay@example.org"))
    record_donation(
        actor,
        {
            "amount_cents": 345_000,
            "election_id": elections["G"].id,
            "received_on": date(2026, 2, 1),
            "method": Method.CHECK,
            "first_name": "Fay",
            "last_name": "General",
            "employer": "Hospital",
            "occupation": "Nurse",
        },
        person=fay,
    )
    kept = create_person(org, first_name="Gus", last_name="Abroad")
    gone = create_person(org, first_name="Gus", last_name="Old", merged_into_id=kept.id)
    gone.emails.append(PersonEmail(organization_id=org.id, address="gus@example.org"))
    db.session.flush()  # fmt: skip


def test_the_set_based_import_equals_recording_one_by_one(runner, campaign, actor, elections):
    """The same file recorded with record_donation and refund_donation one gift at a time (in
    the order received, refunds after), in a second campaign that knew the same people
    before, must say the same to the cent: people, review queue, totals, flags, donors."""
    prepare(campaign, actor, elections)
    import_file(runner, campaign)
    other = create_organization()
    actor = Actor.system(other.id, "test")
    mine = {}
    for key, election in elections.items():
        mine[key] = add_election(actor, {"kind": election.kind.value, "held_on": election.held_on})
    update_committee_settings(actor, {"committee_id": "C00123456"})
    prepare(other, actor, mine)
    source = actblue_source(other.id)
    gifts = list(read_rows(SAMPLE, encoding="utf-8", delimiter=","))
    header = SAMPLE.read_text().splitlines()[0].split(",")
    index = {name: i for i, name in enumerate(header)}
    read = []
    for line_no, row in gifts:
        try:
            gift = read_gift(source, lambda name, row=row: row[index[CSV_COLUMNS[name]]]
                             if name in CSV_COLUMNS else "")  # fmt: skip
        except RowProblem:
            continue
        read.append((gift.fields["received_on"], line_no, gift))
    for _, _, gift in sorted(read, key=lambda item: item[:2]):
        record_gift(actor, gift.__class__(gift.line_id, gift.fields))
    for _, _, gift in sorted(read, key=lambda item: item[1]):
        if gift.refund is not None:
            record_gift(actor, gift)
    expected = snapshot(other.id)
    assert snapshot(campaign.id) == expected
    ada = expected["books"][("1001", "contribution")]
    assert ada[0] == "DONOR"  # on the voter, not a new person
    assert expected["books"][("1004", "contribution")][9] == "review"
    assert ("excessive", 2500, "open", date(2026, 7, 31)) in expected["books"][
        ("1008", "contribution")][11]  # fmt: skip
    assert expected["books"][("1009", "contribution")][0] == "Abroad"


def test_a_line_the_webhook_delivered_first_is_unchanged_by_the_file(runner, campaign):
    source = actblue_source(campaign.id)
    values = {"line_id": "1001", "amount": "25.00", "date": "2026-03-01 10:00:00",
              "first_name": "Ada", "last_name": "Donor", "email": "ada@example.org"}  # fmt: skip
    record_gift(Actor.system(campaign.id, "webhook:actblue"),
                read_gift(source, lambda name: values.get(name, "")))  # fmt: skip
    assert import_file(runner, campaign)[1:] == (11, 6, 0, 1, 4, 0)


def test_a_campaign_without_elections_is_told_to_add_them(runner, org):
    result = runner.invoke(
        cli, ["import", "donations", str(SAMPLE), "--format", "actblue", "--org", org.slug]
    )
    db.session.execute(text("DISCARD TEMP"))
    assert result.exit_code == 1 and "no elections" in result.output


def test_a_file_that_is_not_actblues_is_refused(runner, campaign, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("Transaction ID,Amount\n1,5.00\n")
    result = runner.invoke(
        cli, ["import", "donations", str(other), "--format", "actblue", "--org", campaign.slug]
    )
    db.session.execute(text("DISCARD TEMP"))
    assert result.exit_code == 1 and "missing columns Receipt ID, Date" in result.output
    unknown = runner.invoke(
        cli, ["import", "donations", str(other), "--format", "nope", "--org", campaign.slug]
    )
    db.session.execute(text("DISCARD TEMP"))
    assert unknown.exit_code == 1 and "Unknown format 'nope'" in unknown.output

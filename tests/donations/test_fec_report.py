"""Form 3 and Schedules A and B for a quarter, read back with the open-source ``fecfile``
parser: its totals and itemised lines must match the ledger to the cent."""

from __future__ import annotations

from datetime import date

import fecfile
import pytest
from sqlalchemy import select

from app.core.actor import Actor
from app.core.errors import Conflict, ValidationError
from app.donations.committee import add_election
from app.donations.fec_ledger import Period
from app.donations.fec_reports import ReportRequest, write_report
from app.donations.models import CandidateElection, Donation, EntryKind, MatchStatus, Method
from app.extensions import db
from tests.donations.fec_world import COMMITTEE, Q1, build_quarter, committee, donor
from tests.factories import create_organization

pytestmark = pytest.mark.usefixtures("db_session")

TODAY = date(2026, 4, 10)


@pytest.fixture(scope="module")
def quarter(committed_world):
    return committed_world(build_quarter)


def cents(value: float | None) -> int:
    return round((value or 0) * 100)


def write(quarter, period=Q1, **options):
    actor = Actor.system(quarter["org"], "test")
    request = ReportRequest(committee_id=COMMITTEE, period=period, **options)
    return write_report(actor, request, today=TODAY)


def parse(tmp_path, content: bytes) -> dict:
    path = tmp_path / "report.fec"
    path.write_bytes(content)
    return fecfile.from_file(str(path))


def ledger(org: int, period: Period) -> list[Donation]:
    return list(
        db.session.scalars(
            select(Donation).where(
                Donation.organization_id == org,
                Donation.voided_at.is_(None),
                Donation.received_on.between(period.start, period.through),
            )
        )
    )


def aggregate_of(entry: Donation) -> int:
    """The donor's cycle-to-date aggregate after ``entry``, counted here in Python."""
    cycle = db.session.get(CandidateElection, entry.election_id).cycle
    mine = db.session.scalars(
        select(Donation)
        .join(CandidateElection, CandidateElection.id == Donation.election_id)
        .where(
            Donation.person_id == entry.person_id,
            Donation.voided_at.is_(None),
            CandidateElection.cycle == cycle,
        )
    )
    return sum(
        d.amount_cents for d in mine if (d.received_on, d.id) <= (entry.received_on, entry.id)
    )


def test_the_quarter_parses_and_matches_the_ledger_to_the_cent(quarter, tmp_path):
    report, content = write(quarter)
    parsed = parse(tmp_path, content)
    summary = parsed["filing"]
    entries = ledger(quarter["org"], Q1)
    receipts = sum(d.amount_cents for d in entries if d.kind in ("contribution", "chargeback"))
    refunds = -sum(d.amount_cents for d in entries if d.kind == EntryKind.REFUND)
    assert cents(summary["col_a_total_receipts"]) == receipts == report.receipts_cents
    assert cents(summary["col_a_total_contributions_no_loans"]) == receipts
    assert cents(summary["col_a_refunds_to_individuals"]) == refunds == report.refunds_cents
    assert cents(summary["col_a_net_contributions"]) == receipts - refunds

    schedule_a = parsed["itemizations"]["Schedule A"]
    itemized = [line for line in schedule_a if line["form_type"] == "SA11AI"]
    not_memo = [line for line in itemized if line["memo_code"] != "X"]
    assert cents(summary["col_a_individual_contributions_itemized"]) == sum(
        cents(line["contribution_amount"]) for line in not_memo
    )
    individual = sum(
        d.amount_cents
        for d in entries
        if d.kind in ("contribution", "chargeback") and d.entity_type.value in ("IND", "ORG")
    )
    assert cents(summary["col_a_total_individual_contributions"]) == individual
    assert (
        cents(summary["col_a_individual_contributions_itemized"])
        + cents(summary["col_a_individual_contributions_unitemized"])
        == individual
    )
    # Every line is its ledger entry: amount, date, election, the donor's cycle aggregate.
    for line in schedule_a:
        donation = db.session.get(Donation, int(line["transaction_id"][1:].rstrip("E")))
        assert cents(line["contribution_amount"]) == donation.amount_cents
        assert line["contribution_date"].date() == donation.received_on
        assert line["election_code"] == donation.election.code
        if not line["transaction_id"].endswith("E") and donation.person_id:
            assert cents(line["contribution_aggregate"]) == aggregate_of(donation)
    # Exactly the entries whose donor passed $200 (or whose contribution had) are itemised.
    expected = {
        d.id
        for d in entries
        if d.entity_type.value == "IND"
        and d.person_id
        and d.kind in ("contribution", "redesignation", "reattribution")
        and (d.kind != "contribution" or aggregate_of(d) > 20_000)
    } | {quarter["mo_chargeback"]}
    listed = {int(line["transaction_id"][1:].rstrip("E")) for line in itemized}
    assert listed == expected
    schedule_b = parsed["itemizations"]["Schedule B"]
    assert [line["form_type"] for line in schedule_b] == ["SB20A"]
    assert sum(cents(line["expenditure_amount"]) for line in schedule_b) == refunds


def test_the_summary_page(quarter, tmp_path):
    report, content = write(quarter)
    summary = parse(tmp_path, content)["filing"]
    a = {key[6:]: cents(value) for key, value in summary.items() if key.startswith("col_a_")}
    b = {key[6:]: cents(value) for key, value in summary.items() if key.startswith("col_b_")}
    assert a["individual_contributions_itemized"] == 845_001
    assert a["individual_contributions_unitemized"] == 39_000  # Ada's $150, Bob's $200, $40
    assert a["pac_contributions"] == 100_000
    assert a["total_contributions"] == 984_001
    assert a["total_refunds"] == 30_000
    assert a["cash_beginning_reporting_period"] == 0
    assert a["cash_on_hand_close"] == a["cash_on_hand_close_of_period"] == 954_001
    assert a["operating_expenditures"] == 0
    # Cycle to date adds Jack's December gift (itemised: $250).
    assert b["individual_contributions_itemized"] == 845_001 + 25_000
    assert b["total_receipts"] == 984_001 + 25_000
    assert summary["form_type"] == "F3N"
    assert summary["report_code"] == "Q1"
    assert summary["coverage_from_date"].date() == Q1.start
    assert summary["coverage_through_date"].date() == Q1.through
    assert summary["date_signed"].date() == TODAY
    assert summary["treasurer_last_name"] == "Treasurer"
    assert report.summary["a"]["16"] == a["total_receipts"]


def by_id(parsed: dict) -> dict[str, dict]:
    schedules = parsed["itemizations"]
    lines = schedules.get("Schedule A", []) + schedules.get("Schedule B", [])
    # fecfile names Schedule B's id transaction_id_number
    return {line.get("transaction_id") or line["transaction_id_number"]: line for line in lines}


def test_lines_follow_the_fec_conventions(quarter, tmp_path):
    _, content = write(quarter)
    lines = by_id(parse(tmp_path, content))
    ids = quarter
    bob = lines[f"A{ids['bob_2']}"]  # $200 and one cent: itemised with the cent
    assert (cents(bob["contribution_amount"]), cents(bob["contribution_aggregate"])) == (1, 20_001)
    assert f"A{ids['bob_1']}" not in lines and f"A{ids['ada_1']}" not in lines
    cara = lines[f"A{ids['cara']}"]
    assert cara["contribution_purpose_descrip"] == "Earmarked through ActBlue"
    assert cara["memo_code"] == ""
    conduit = lines[f"A{ids['cara']}E"]  # the conduit's memo entry, right after the gift
    assert conduit["memo_code"] == "X"
    assert conduit["back_reference_tran_id_number"] == f"A{ids['cara']}"
    assert conduit["contributor_organization_name"] == "ActBlue"
    assert conduit["donor_committee_fec_id"] == "C00401224"
    assert conduit["entity_type"] == "COM"
    assert cents(conduit["contribution_amount"]) == 50_000
    assert conduit["contribution_purpose_descrip"] == "Total earmarked through conduit."
    minus, plus = lines[f"A{ids['dan_minus']}"], lines[f"A{ids['dan_plus']}"]
    assert (minus["memo_code"], plus["memo_code"]) == ("X", "X")
    assert (minus["election_code"], plus["election_code"]) == ("P2026", "G2026")
    assert cents(minus["contribution_amount"]) == -10_000
    assert minus["contribution_purpose_descrip"] == "Redesignated to G2026"
    assert plus["contribution_purpose_descrip"] == "Redesignated from P2026"
    assert minus["back_reference_tran_id_number"] == f"A{ids['dan']}"
    hal = lines[f"A{ids['hal_plus']}"]
    assert hal["contributor_first_name"] == "Hal" and hal["memo_code"] == "X"
    assert hal["contribution_purpose_descrip"] == "Reattributed from Gus Giver"
    assert (
        lines[f"A{ids['gus_minus']}"]["contribution_purpose_descrip"] == "Reattributed to Hal Giver"
    )
    chargeback = lines[f"A{ids['mo_chargeback']}"]
    assert cents(chargeback["contribution_amount"]) == -30_000 and chargeback["memo_code"] == ""
    refund = lines[f"B{ids['eve_refund']}"]
    assert (refund["form_type"], cents(refund["expenditure_amount"])) == ("SB20A", 30_000)
    assert refund["expenditure_purpose_descrip"] == "Contribution Refund"
    assert refund["payee_last_name"] == "Giver" and refund["election_code"] == "P2026"
    pac = lines[f"A{ids['pac']}"]
    assert (pac["form_type"], pac["entity_type"]) == ("SA11C", "PAC")
    assert pac["contributor_organization_name"] == "Friends of Good Government PAC"
    assert f"A{ids['kim_voided']}" not in lines and f"A{ids['jack_after']}" not in lines
    lou = lines[f"A{ids['lou']}"]  # 23:30 on March 31 in Los Angeles: in the quarter
    assert lou["contribution_date"].date() == date(2026, 3, 31)


def test_a_gift_late_on_the_last_day_is_not_in_the_next_quarter(quarter, tmp_path):
    _, content = write(quarter, Period(date(2026, 4, 1), date(2026, 6, 30)))
    lines = by_id(parse(tmp_path, content))
    assert f"A{quarter['lou']}" not in lines
    jack = lines[f"A{quarter['jack_after']}"]  # after his $250 in December: $500 this cycle
    assert cents(jack["contribution_aggregate"]) == 50_000


def test_the_file_is_the_fec_format(quarter):
    _, content = write(quarter)
    assert content.isascii() and content.endswith(b"\r\n")
    records = content.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(records)
    fields = [record.split(b"\x1c") for record in records]
    assert fields[0][:3] == [b"HDR", b"FEC", b"8.4"]
    assert fields[1][0] == b"F3N" and len(fields[1]) == 93
    assert {len(f) for f in fields[2:] if f[0].startswith(b"SA")} == {45}
    assert {len(f) for f in fields[2:] if f[0].startswith(b"SB")} == {44}
    dates = [f[19] for f in fields[2:]]
    assert all(len(d) == 8 and d.isdigit() for d in dates)


def test_a_report_waits_for_the_review_queue(quarter):
    ada = db.session.get(Donation, quarter["ada_1"])
    # A gift whose donor could be one of two people: a person must say who gave it.
    db.session.add(
        Donation(
            organization_id=quarter["org"],
            election_id=ada.election_id,
            amount_cents=5_000,
            received_on=date(2026, 3, 2),
            method=Method.CHECK,
            match_status=MatchStatus.REVIEW,
            match_candidate_ids=[1, 2],
            last_name="Same",
        )
    )
    db.session.flush()
    with pytest.raises(Conflict) as refused:
        write(quarter)
    assert refused.value.code == "donors_in_review"


@pytest.mark.parametrize(
    ("committee_id", "code"),
    [("C0012345", "validation_error"), ("C00999999", "committee_mismatch")],
)
def test_the_committee_must_be_the_campaigns(quarter, committee_id, code):
    actor = Actor.system(quarter["org"], "test")
    request = ReportRequest(committee_id=committee_id, period=Q1)
    with pytest.raises(ValidationError) as refused:
        write_report(actor, request, today=TODAY)
    assert refused.value.code == code


def test_a_period_that_is_no_quarter_names_its_report(quarter):
    with pytest.raises(ValidationError) as refused:
        write(quarter, Period(date(2026, 1, 1), date(2026, 2, 15)))
    assert "report_code" in refused.value.fields
    report, _ = write(quarter, Period(date(2026, 4, 1), date(2026, 4, 29)), report_code="12P")
    assert (report.report_code, report.form_type) == ("12P", "F3N")


def test_a_leap_day_gift_is_in_its_quarter_on_its_day(tmp_path):
    """February 29th, 2028: in Q1 2028's report, itemised with its date and the cycle's
    aggregate; the quarter before (the 2027 year-end) has none of it."""
    actor = Actor.system(create_organization().id, "test")
    committee(actor)
    primary = add_election(actor, {"kind": "P", "held_on": date(2028, 4, 25)})
    first = donor(actor, primary, 5_000, "Lea", date(2028, 1, 1))  # the quarter's first day
    leap = donor(actor, primary, 25_000, "Lea", date(2028, 2, 29))  # $300: itemised
    q1 = Period(date(2028, 1, 1), date(2028, 3, 31))
    report, content = write_report(
        actor, ReportRequest(committee_id=COMMITTEE, period=q1), today=date(2028, 4, 10)
    )
    parsed = parse(tmp_path, content)
    assert cents(parsed["filing"]["col_a_total_receipts"]) == 30_000 == report.receipts_cents
    lines = {line["transaction_id"]: line for line in parsed["itemizations"]["Schedule A"]}
    [line] = [
        line for line in lines.values() if line["contribution_date"].date() == leap.received_on
    ]
    assert cents(line["contribution_amount"]) == 25_000
    assert cents(line["contribution_aggregate"]) == 30_000
    assert first.received_on == date(2028, 1, 1)
    year_end = Period(date(2027, 10, 1), date(2027, 12, 31))
    before, _ = write_report(
        actor, ReportRequest(committee_id=COMMITTEE, period=year_end), today=date(2028, 1, 20)
    )
    assert before.receipts_cents == 0

"""A filed report is amended, never written again: a refund recorded after filing, dated in the
period, shows in the amendment (F3A) whose header names the filing it amends. The period's
edges: a leap day, and the next quarter's cash starting where the filed one closed."""

from __future__ import annotations

from datetime import date

import fecfile
import pytest
import sqlalchemy as sa

from app.core.actor import Actor
from app.core.errors import Conflict
from app.donations.committee import add_election
from app.donations.corrections import refund_donation
from app.donations.fec_ledger import Period
from app.donations.fec_reports import ReportRequest, mark_filed, write_report
from app.extensions import db
from tests.donations.fec_world import COMMITTEE, Q1, committee, donor
from tests.factories import create_organization

pytestmark = pytest.mark.usefixtures("db_session")


@pytest.fixture
def campaign():
    organization = create_organization()
    actor = Actor.system(organization.id, "test")
    committee(actor)
    primary = add_election(actor, {"kind": "P", "held_on": date(2026, 5, 19)})
    ada = donor(actor, primary, 50_000, "Ada", date(2026, 2, 1))
    donor(actor, primary, 5_000, "Bob", date(2026, 3, 1))
    return {"actor": actor, "ada": ada, "primary": primary}


def write(actor, period=Q1, amend=False, on=date(2026, 4, 10), **options):
    request = ReportRequest(committee_id=COMMITTEE, period=period, amend=amend, **options)
    return write_report(actor, request, today=on)


def parse(tmp_path, content):
    path = tmp_path / "report.fec"
    path.write_bytes(content)
    return fecfile.from_file(str(path))


def test_a_refund_after_filing_is_reported_by_an_amendment(campaign, tmp_path):
    actor = campaign["actor"]
    original, _ = write(actor)
    mark_filed(actor, original.sha256, "FEC-1234567")
    assert original.is_filed and original.fec_filing_id == "FEC-1234567"
    # Weeks later the bank shows a refund Ada was sent on March 20: the filed quarter changed.
    refund, _ = refund_donation(actor, campaign["ada"], 10_000, date(2026, 3, 20))
    with pytest.raises(Conflict) as refused:
        write(actor)
    assert refused.value.code == "report_filed"
    amendment, content = write(actor, amend=True, on=date(2026, 5, 2))
    parsed = parse(tmp_path, content)
    assert parsed["header"]["report_id"] == "FEC-1234567"
    assert parsed["header"]["report_number"] == "1"
    assert parsed["filing"]["form_type"] == "F3A"
    assert round(parsed["filing"]["col_a_refunds_to_individuals"] * 100) == 10_000
    assert round(parsed["filing"]["col_a_total_receipts"] * 100) == 55_000
    refunds = parsed["itemizations"]["Schedule B"]
    assert [(line["transaction_id_number"], line["expenditure_amount"]) for line in refunds] == [
        (f"B{refund.id}", 100.0)
    ]
    assert (amendment.form_type, amendment.amends_id, amendment.amendment_number) == (
        "F3A",
        original.id,
        1,
    )
    assert original.summary["a"]["20a"] == 0  # the filed report stays what was filed


def test_an_amendment_needs_a_change_and_a_filed_report(campaign):
    actor = campaign["actor"]
    with pytest.raises(Conflict) as nothing:
        write(actor, amend=True)
    assert nothing.value.code == "nothing_to_amend"
    original, _ = write(actor)
    mark_filed(actor, original.sha256)
    with pytest.raises(Conflict) as same:
        write(actor, amend=True, on=date(2026, 5, 2))
    assert same.value.code == "amendment_unchanged"


def test_amendments_are_numbered_and_a_stale_one_is_not_filed(campaign):
    actor, ada = campaign["actor"], campaign["ada"]
    original, _ = write(actor)
    mark_filed(actor, original.sha256, "1234567")
    refund_donation(actor, ada, 1_000, date(2026, 3, 20))
    first, _ = write(actor, amend=True)
    refund_donation(actor, ada, 1_000, date(2026, 3, 21))
    second, _ = write(actor, amend=True)
    assert (first.amendment_number, second.amendment_number) == (1, 1)
    mark_filed(actor, second.sha256)
    with pytest.raises(Conflict) as stale:
        mark_filed(actor, first.sha256)
    assert stale.value.code == "report_stale"
    refund_donation(actor, ada, 1_000, date(2026, 3, 22))
    third, _ = write(actor, amend=True)
    assert third.amendment_number == 2 and third.amends_id == original.id
    with pytest.raises(Conflict) as again:
        mark_filed(actor, second.sha256)
    assert again.value.code == "filed"


def test_the_database_refuses_to_change_a_filed_report(campaign):
    actor = campaign["actor"]
    report, _ = write(actor)
    mark_filed(actor, report.sha256)
    for statement in (
        "UPDATE fec_reports SET receipts_cents = 0 WHERE id = :id",
        "DELETE FROM fec_reports WHERE id = :id",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="never changed"), db.session.begin_nested():
            db.session.execute(sa.text(statement), {"id": report.id})


def test_the_next_quarter_starts_with_the_cash_the_filed_one_closed_with(campaign):
    actor = campaign["actor"]
    report, _ = write(actor)
    mark_filed(actor, report.sha256)
    second, _ = write(actor, Period(date(2026, 4, 1), date(2026, 6, 30)), on=date(2026, 7, 10))
    assert second.summary["a"]["23"] == report.summary["a"]["27"] == 55_000


def test_a_leap_day_is_in_its_period(tmp_path):
    organization = create_organization()
    actor = Actor.system(organization.id, "test")
    committee(actor)
    primary = add_election(actor, {"kind": "P", "held_on": date(2028, 4, 25)})
    leap = donor(actor, primary, 30_000, "Leap", date(2028, 2, 29))
    _, content = write(actor, Period(date(2028, 1, 1), date(2028, 3, 31)), on=date(2028, 4, 3))
    (line,) = parse(tmp_path, content)["itemizations"]["Schedule A"]
    assert line["transaction_id"] == f"A{leap.id}" and b"\x1c20280229\x1c" in content
    to_leap_day = Period(date(2028, 2, 1), date(2028, 2, 29))
    report, content = write(actor, to_leap_day, on=date(2028, 3, 3), report_code="12P")
    assert report.receipts_cents == 30_000 and report.coverage_through == date(2028, 2, 29)
    assert parse(tmp_path, content)["filing"]["election_code"] == "P2028"
    march = Period(date(2028, 3, 1), date(2028, 3, 31))
    after = write(actor, march, on=date(2028, 4, 3), report_code="12P")
    assert after[0].receipts_cents == 0

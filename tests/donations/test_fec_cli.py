"""``doorstep fec report|filed|list|export``: the treasurer's commands, end to end."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import fecfile
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cli import cli
from app.core.actor import Actor
from app.donations.committee import add_election
from app.donations.corrections import refund_donation
from app.extensions import db
from tests.donations.fec_world import ACTBLUE, COMMITTEE, committee, donor
from tests.factories import create_organization

Q1 = ["--from", "2026-01-01", "--to", "2026-03-31"]


@pytest.fixture
def campaign(db_session):
    organization = create_organization()
    actor = Actor.system(organization.id, "test")
    committee(actor)
    primary = add_election(actor, {"kind": "P", "held_on": date(2026, 5, 19)})
    ada = donor(actor, primary, 50_000, "Ada", date(2026, 2, 1), **ACTBLUE)
    donor(actor, primary, 5_000, "Bob", date(2026, 3, 1))
    donor(actor, primary, 25_000, "Cy", date(2026, 3, 9), employer=None, occupation=None)
    return {"actor": actor, "ada": ada, "slug": organization.slug}


def report(runner, campaign, out, *extra):
    args = ["fec", "report", *Q1, "--committee-id", COMMITTEE, "--out", str(out)]
    return runner.invoke(cli, [*args, "--org", campaign["slug"], *extra])


def test_report_filed_then_amended(runner, campaign, tmp_path):
    out = tmp_path / "q1.fec"
    result = report(runner, campaign, out)
    assert result.exit_code == 0, result.output
    assert "F3N Q1 2026-01-01..2026-03-31 C00123456: 3 itemised lines" in result.output
    assert "receipts $800.00" in result.output
    parsed = fecfile.from_file(str(out))
    cy = parsed["itemizations"]["Schedule A"][-1]
    assert cy["contributor_employer"] == cy["contributor_occupation"] == "INFORMATION REQUESTED"
    filed = runner.invoke(cli, ["fec", "filed", str(out), "--fec-id", "FEC-1234567", "--org",
                                campaign["slug"]])  # fmt: skip
    assert filed.exit_code == 0, filed.output
    assert "filed 20" in filed.output and "as FEC-1234567" in filed.output
    again = report(runner, campaign, tmp_path / "again.fec")
    assert again.exit_code == 1 and "[report_filed]" in again.output
    refund_donation(campaign["actor"], campaign["ada"], 50_000, date(2026, 3, 30))
    amended = report(runner, campaign, tmp_path / "q1a.fec", "--amend")
    assert amended.exit_code == 0, amended.output
    assert amended.output.startswith("F3A Q1") and "refunds $500.00" in amended.output
    listed = runner.invoke(cli, ["fec", "list", "--org", campaign["slug"]])
    assert listed.output.count("\n") == 2 and "written, not filed" in listed.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--from", "2027-02-29", "--to", "2027-03-31"], "'2027-02-29' is no date"),
        (["--from", "2026-04-01", "--to", "2026-03-31"], "ends before it starts"),
        (["--from", "2026-01-01", "--to", "2026-02-01"], "say which report it is"),
    ],
)
def test_report_refuses_bad_periods(runner, campaign, tmp_path, args, says):
    result = runner.invoke(
        cli,
        ["fec", "report", *args, "--committee-id", COMMITTEE, "--out", str(tmp_path / "x.fec"),
         "--org", campaign["slug"]],
    )  # fmt: skip
    assert result.exit_code != 0 and says in result.output
    assert not (tmp_path / "x.fec").exists()


def read_csv(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_export_csv_for_a_compliance_firm(runner, campaign, tmp_path):
    folder = tmp_path / "q1"
    result = runner.invoke(
        cli, ["fec", "export", "--format", "csv", *Q1, "--out", str(folder), "--org",
              campaign["slug"]],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "schedule_a: 3 rows, schedule_b: 0 rows" in result.output
    lines = read_csv(folder / "schedule_a.csv")
    assert [(row["line"], row["memo_code"], row["amount"]) for row in lines] == [
        ("SA11AI", "", "500.00"),
        ("SA11AI", "X", "500.00"),
        ("SA11AI", "", "250.00"),
    ]
    assert lines[0]["donation_id"] == str(campaign["ada"].id)
    summary = {row["line"]: row for row in read_csv(folder / "summary.csv")}
    itemized = sum(Decimal(row["amount"]) for row in lines if not row["memo_code"])
    assert Decimal(summary["11ai"]["this_period"]) == itemized == Decimal("750.00")
    assert Decimal(summary["11aii"]["this_period"]) == Decimal("50.00")
    assert summary["27"]["cycle_to_date"] == ""
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "fec.export"))
    assert audit.changes["rows"] == 2
    assert audit.changes["filter"] == {"from": "2026-01-01", "to": "2026-03-31", "format": "csv"}

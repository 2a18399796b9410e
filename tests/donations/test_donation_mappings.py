"""Saved donation mappings (WinRed, Anedot, a bank export) and the money and dates they read."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from app.auth.permissions import Role
from app.donations.committee import update_committee_settings
from app.donations.models import Donation, EntryKind, Method
from app.donations.parsing import DayError, MoneyError, parse_cents, parse_day
from app.extensions import db
from app.imports import jobs
from app.imports.models import ImportJob, ImportReject
from app.imports.operations import create_mapping
from tests.donations.test_actblue_csv import import_file
from tests.factories import auth_headers, create_user

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("$1,234.56", 123456),
        ("1234.5", 123450),
        ("1234", 123400),
        ("0.01", 1),
        (".5", 50),
        ("1.230", 123),
        (" 25.00 ", 2500),
        ("1,000", 100000),
        ("1,000,000.00", 100000000),
        ("(12.00)", -1200),
        ("-$5", -500),
        ("$-5.00", -500),
        ("-0.10", -10),
        ("0.07", 7),  # 0.07 is not exact in binary floating point; here it is 7 cents
        ("19.99", 1999),
    ],
)
def test_amounts_are_read_exactly(text, cents):
    assert parse_cents(text) == cents


@pytest.mark.parametrize(
    "text",
    ["", "abc", "12.345", "1.001", "1,23", "1,2345.00", "1e3", "$", "--5", "-$-5", "NaN",
     "Infinity", "12.3.4", "12,", "1 000", "€5", "5$", "0x10", "1_000"],
)  # fmt: skip
def test_what_is_not_an_amount_is_refused(text):
    with pytest.raises(MoneyError):
        parse_cents(text)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-03-01", date(2026, 3, 1)),
        ("03/01/2026", date(2026, 3, 1)),
        ("3/1/2026", date(2026, 3, 1)),
        ("3/1/26", date(2026, 3, 1)),
        ("20260301", date(2026, 3, 1)),
        ("2026-03-01 23:30:00", date(2026, 3, 1)),
        ("2026-03-01T23:30:00-05:00", date(2026, 3, 1)),
        ("2026-03-02T04:30:00Z", date(2026, 3, 1)),  # 11:30 pm the day before in New York
        ("03/01/2026 11:30 PM", date(2026, 3, 1)),
        ("3/1/2026 23:30", date(2026, 3, 1)),
        ("2024-02-29", date(2024, 2, 29)),
    ],
)
def test_dates_in_common_forms(text, day):
    assert parse_day(text, NEW_YORK, NEW_YORK) == day


@pytest.mark.parametrize(
    "text", ["", "2026-02-30", "2025-02-29", "13/01/2026", "yesterday", "1/1/1800"]
)
def test_what_is_not_a_date_is_refused(text):
    with pytest.raises(DayError):
        parse_day(text, NEW_YORK, NEW_YORK)


WINRED = {
    "line_id": "Transaction ID",
    "receipt_id": "Order ID",
    "amount": "Amount",
    "date": "Date",
    "first_name": "First Name",
    "last_name": "Last Name",
    "street_1": "Address",
    "city": "City",
    "state": "State",
    "zip": "Zip",
    "email": "Email",
    "employer": "Employer",
    "occupation": "Occupation",
    "election": "Designation",
}
WINRED_OPTIONS = {
    "processor": "winred",
    "conduit_name": "WinRed",
    "conduit_committee_id": "C00694323",
    "negative": "refund",
}


def winred_file(tmp_path, rows):
    path = tmp_path / "winred.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*WINRED.values(), "Card Brand"])
        writer.writerows(rows)
    return path


def row(txn, amount, when="3/1/2026", last="Lincoln", designation="Primary 2026"):
    return [txn, "W1", amount, when, "Abe", last, "1 Log Cabin Rd", "Springfield", "IL",
            "62701", "abe@example.org", "Self", "Lawyer", designation, "visa"]  # fmt: skip


def test_a_saved_mapping_reads_an_export(runner, org, actor, elections, tmp_path):
    create_mapping(
        actor,
        {"name": "winred", "kind": "donations", "state": "", "columns": WINRED,
         "options": WINRED_OPTIONS},
    )  # fmt: skip
    path = winred_file(
        tmp_path,
        [row("T1", "$1,234.56"), row("T1", "-$234.56", when="3/5/2026"), row("T2", "abc"),
         row("T3", "10", designation="mayoral")],
    )  # fmt: skip
    job_id, read, loaded, _, unchanged, rejected, _ = import_file(runner, org, path, "winred")
    assert (read, loaded, unchanged, rejected) == (4, 2, 0, 2)
    gift = db.session.scalar(
        select(Donation).filter_by(organization_id=org.id, kind=EntryKind.CONTRIBUTION)
    )
    assert (gift.amount_cents, gift.processor, gift.conduit_name, gift.method) == (
        123456, "winred", "WinRed", Method.CARD
    )  # fmt: skip
    refund = db.session.scalar(select(Donation).filter_by(corrects_id=gift.id))
    assert (refund.amount_cents, refund.received_on) == (-23456, date(2026, 3, 5))
    rejects = db.session.execute(
        select(ImportReject.line_no, ImportReject.column).where(ImportReject.job_id == job_id)
    ).all()
    assert sorted(rejects) == [(4, "Amount"), (5, "Designation")]
    assert import_file(runner, org, path, "winred")[1:] == (4, 0, 0, 2, 2, 0)


def test_a_mapping_that_refuses_negative_amounts(runner, org, actor, elections, tmp_path):
    create_mapping(
        actor,
        {"name": "bank", "kind": "donations", "state": "", "columns": WINRED,
         "options": {"processor": "bank", "method": "check"}},
    )  # fmt: skip
    path = winred_file(tmp_path, [row("B1", "-5.00"), row("B2", "5.00")])
    job_id, read, loaded, _, _, rejected, _ = import_file(runner, org, path, "bank")
    assert (read, loaded, rejected) == (2, 1, 1)
    reason = db.session.scalar(select(ImportReject.reason).where(ImportReject.job_id == job_id))
    assert "negative" in reason
    gift = db.session.scalar(select(Donation).filter_by(organization_id=org.id))
    assert gift.method == Method.CHECK and gift.conduit_name is None


def test_mappings_are_saved_through_the_api(client, org):
    admin = create_user(org, Role.ADMIN)
    headers = auth_headers(admin)
    body = {"name": "winred", "kind": "donations", "columns": WINRED, "options": WINRED_OPTIONS}
    made = client.post("/api/v1/import-mappings", json=body, headers=headers)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["kind"] == "donations"
    bad = client.post(
        "/api/v1/import-mappings",
        json={**body, "name": "bad", "columns": {**WINRED, "shoe_size": "Shoe"},
              "options": {"negative": "maybe"}},
        headers=headers,
    )  # fmt: skip
    assert bad.status_code == 422
    fields = bad.get_json()["error"]["fields"]
    assert "columns" in fields and "options" in fields
    builtin = client.post(
        "/api/v1/import-mappings", json={**body, "name": "actblue"}, headers=headers
    )
    assert builtin.status_code == 422


def test_an_actblue_upload_runs_in_the_worker_and_its_rejects_need_the_money_permission(
    client, org, actor, elections, app, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "DOORSTEP_UPLOAD_DIR", str(tmp_path / "uploads"))
    update_committee_settings(actor, {"committee_id": "C00123456"})
    admin, director = create_user(org, Role.ADMIN), create_user(org, Role.DIRECTOR)
    sample = Path(__file__).parent / "data" / "actblue_contributions.csv"

    def post(user):
        with sample.open("rb") as upload:
            return client.post(
                "/api/v1/imports",
                data={"kind": "donations", "layout": "actblue", "file": (upload, "ab.csv")},
                headers=auth_headers(user),
                content_type="multipart/form-data",
            )

    refused = post(director)  # imports.run, but not donations.edit
    assert refused.status_code == 403, refused.get_json()
    queued = post(admin)
    assert queued.status_code == 202, queued.get_json()
    job = jobs.run_job(db.session.get(ImportJob, queued.get_json()["id"]))
    db.session.execute(text("DISCARD TEMP"))
    assert (job.status.value, job.rows_inserted, job.rows_rejected) == ("succeeded", 7, 4)
    url = f"/api/v1/imports/{job.id}/rejects.csv"
    assert client.get(url, headers=auth_headers(director)).status_code == 403
    report = client.get(url, headers=auth_headers(admin))
    assert report.status_code == 200 and "Recipient Election" in report.get_data(as_text=True)

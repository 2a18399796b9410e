"""The report's lines and summary as CSV, for a compliance firm that files for the campaign:
the same lines, amounts and aggregates the ``.fec`` file carries (amounts in dollars, dates
ISO), each line naming the ledger entry it comes from."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.audit.reads import record_bulk_read
from app.core.actor import Actor
from app.core.spreadsheets import csv_bytes
from app.donations.committee import committee_settings
from app.donations.fec_format import COLUMN_A, COLUMN_B, Line, summary_columns
from app.donations.fec_ledger import Period, itemized_lines, summary_sums
from app.donations.fec_reports import ensure_settled, previous_close

LINE_COLUMNS = [
    "line", "transaction_id", "back_reference_id", "memo_code", "entity_type",
    "organization_name", "last_name", "first_name", "middle_name", "prefix", "suffix",
    "street_1", "street_2", "city", "state", "zip", "election_code", "date", "amount",
    "aggregate", "purpose", "employer", "occupation", "committee_fec_id", "memo_text",
    "donation_id",
]  # fmt: skip
SUMMARY_COLUMNS = ["line", "description", "this_period", "cycle_to_date"]

LINE_NAMES = {
    "6a": "Total contributions (other than loans)",
    "6b": "Total contribution refunds",
    "6c": "Net contributions",
    "7a": "Total operating expenditures",
    "7b": "Total offsets to operating expenditures",
    "7c": "Net operating expenditures",
    "8": "Cash on hand at close of period",
    "9": "Debts owed to the committee",
    "10": "Debts owed by the committee",
    "11ai": "Contributions from individuals, itemized",
    "11aii": "Contributions from individuals, unitemized",
    "11aiii": "Total contributions from individuals",
    "11b": "Contributions from political party committees",
    "11c": "Contributions from other political committees",
    "11d": "Contributions from the candidate",
    "11e": "Total contributions",
    "12": "Transfers from other authorized committees",
    "13a": "Loans made or guaranteed by the candidate",
    "13b": "All other loans",
    "13c": "Total loans",
    "14": "Offsets to operating expenditures",
    "15": "Other receipts",
    "16": "Total receipts",
    "17": "Operating expenditures",
    "18": "Transfers to other authorized committees",
    "19a": "Repayments of loans made or guaranteed by the candidate",
    "19b": "Repayments of all other loans",
    "19c": "Total loan repayments",
    "20a": "Refunds of contributions to individuals",
    "20b": "Refunds of contributions to political party committees",
    "20c": "Refunds of contributions to other political committees",
    "20d": "Total contribution refunds",
    "21": "Other disbursements",
    "22": "Total disbursements",
    "23": "Cash on hand at beginning of period",
    "24": "Total receipts this period",
    "25": "Subtotal",
    "26": "Total disbursements this period",
    "27": "Cash on hand at close of period",
}


def dollars(cents: int | None) -> Decimal | None:
    """Cents as an exact dollar amount (a number, so a spreadsheet never quotes a minus)."""
    return None if cents is None else Decimal(cents).scaleb(-2)


def line_row(line: Line) -> dict[str, Any]:
    row = asdict(line)
    row.update(
        line=line.form_type,
        memo_code="X" if line.is_memo else "",
        date=line.date.isoformat(),
        amount=dollars(line.amount_cents),
        aggregate=dollars(line.aggregate_cents),
    )
    return row


def summary_rows(column_a: dict[str, int], column_b: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "line": name,
            "description": LINE_NAMES[name],
            "this_period": dollars(column_a[name]),
            "cycle_to_date": dollars(column_b[name]) if name in COLUMN_B else None,
        }
        for name in COLUMN_A
    ]


def export_csv(
    actor: Actor, period: Period, folder: Path, cash_on_hand_start_cents: int | None = None
) -> dict[str, int]:
    """Write schedule_a.csv, schedule_b.csv and summary.csv into ``folder``; an audited bulk
    read of the contributors it names. Returns the rows written per file."""
    org = actor.organization_id
    ensure_settled(org, period)
    settings = committee_settings(org)
    threshold = settings.itemization_threshold_cents
    cash = cash_on_hand_start_cents
    if cash is None:
        cash = previous_close(org, settings.committee_id, period) if settings.committee_id else 0
    column_a, column_b = summary_columns(summary_sums(org, period, threshold), cash)
    lines = list(itemized_lines(org, period, threshold))
    schedule_a = [line_row(line) for line in lines if line.schedule == "SA"]
    schedule_b = [line_row(line) for line in lines if line.schedule == "SB"]
    files = {
        "schedule_a.csv": csv_bytes(LINE_COLUMNS, schedule_a),
        "schedule_b.csv": csv_bytes(LINE_COLUMNS, schedule_b),
        "summary.csv": csv_bytes(SUMMARY_COLUMNS, summary_rows(column_a, column_b)),
    }
    record_bulk_read(
        "fec.export",
        filter={"from": period.start, "to": period.through, "format": "csv"},
        rows=len({line.donation_id for line in lines}),
        entity_type="fec_report",
        organization_id=org,
    )
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return {"schedule_a": len(schedule_a), "schedule_b": len(schedule_b), "summary": len(COLUMN_A)}

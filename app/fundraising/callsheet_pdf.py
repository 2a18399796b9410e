"""The call sheet on paper: one donor a page, for the candidate at the phone. Who they are and
how to reach them, their giving, the ask in large type, open pledges, the last call, and boxes
for this call's result and the pledge."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.fundraising.calls import CALL_RESULTS
from app.fundraising.messages import format_cents
from app.fundraising.pdf import Page


def _money(cents: int | None) -> str:
    return "-" if cents is None else format_cents(cents)


def _day(value: date | None) -> str:
    return value.isoformat() if value else "-"


def call_sheet_pdf(rows: list[dict[str, Any]], title: str) -> bytes:
    pdf = Page(footer_line=f"{title} - confidential: contribution records")
    for row in rows:
        pdf.add_page()
        _donor(pdf, row)
    if not rows:
        pdf.add_page()
        pdf.write_lines("No donor of this list can be called.")
    return bytes(pdf.output())


def _donor(pdf: Page, row: dict[str, Any]) -> None:
    pdf.write_lines(row["name"] or f"Person {row['person_id']}", size=16, bold=True, gap=8)
    phones = ", ".join(f"{p['number']} ({p['kind']})" for p in row["phones"]) or "no phone"
    work = " / ".join(x for x in (row["occupation"], row["employer"]) if x) or "not given"
    pdf.write_lines(
        f"Phone: {phones}\nEmail: {row['email'] or '-'}\nAddress: {row['address'] or '-'}\n"
        f"Occupation / employer: {work}"
    )
    pdf.ln(3)
    pdf.write_lines(
        f"ASK: {format_cents(row['ask_cents']) if row['ask_cents'] else 'no room'}",
        size=18,
        bold=True,
        gap=9,
    )
    room = "no limit set" if row["room_cents"] is None else format_cents(row["room_cents"])
    pdf.write_lines(f"Room under the limits: {room}", size=9)
    pdf.ln(3)
    pdf.write_lines("Giving", bold=True)
    pdf.write_lines(
        f"This cycle {_money(row['total_cycle_cents'])}; ever {_money(row['total_ever_cents'])}"
        f" in {row['gift_count']} gifts; highest {_money(row['largest_cents'])}\n"
        f"First gift {_day(row['first_gift_on'])}; last {_day(row['last_gift_on'])} "
        f"({_money(row['last_gift_cents'])}); {'recurring; ' if row['is_recurring'] else ''}"
        f"by {', '.join(row['methods']) or '-'}",
        size=9.5,
    )
    for election in row["elections"]:
        maxed = "  MAXED OUT" if election["is_maxed_out"] else ""
        pdf.write_lines(
            f"  {election['name']}: {_money(election['given_cents'])} of "
            f"{_money(election['limit_cents'])}{maxed}",
            size=9.5,
        )
    if row["open_pledges"]:
        pdf.ln(2)
        pdf.write_lines("Open pledges", bold=True)
        for pledge in row["open_pledges"]:
            due = f", due {pledge['due_on']}" if pledge["due_on"] else ""
            pdf.write_lines(
                f"  {_money(pledge['amount_cents'])} pledged {pledge['pledged_on']}"
                f"{due}: {_money(pledge['received_cents'])} received",
                size=9.5,
            )
    if row["last_call"]:
        call = row["last_call"]
        pdf.ln(2)
        pdf.write_lines(f"Last call {call['occurred_at']:%Y-%m-%d}: {call['summary']}", size=9.5)
    pdf.ln(5)
    pdf.write_lines("This call", bold=True)
    boxes = "   ".join(f"[ ] {label}" for label in CALL_RESULTS.values())
    pdf.write_lines(boxes, size=9.5, gap=6)
    pdf.ln(2)
    pdf.write_lines("Pledge $ ________   for ________   by ________\n\nNotes:", size=10, gap=6)

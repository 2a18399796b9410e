"""Time the .fec report of a quarter with 100,000 itemised contributions (goal: under 10 s).

    .venv/bin/python bench/fec_report.py [--itemized 100000] [--parse]

Fills BENCH_DATABASE_URL when set (an empty database it may fill), else a throwaway cluster.
Seeds set-based: ``--itemized`` donors giving $250 in the first quarter of 2026 (one in ten
through ActBlue, so their lines bring the conduit's memo entry), half as many giving $25
(unitemised), and a tenth as many who gave in December 2025 (the cycle-to-date column). Then
writes the report as ``doorstep fec report`` does and prints the seconds it took, split into
the summary's SQL, the lines' SQL and their formatting; ``--parse`` also reads the file back
with fecfile and checks its itemised total against the summary.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from datetime import date
from pathlib import Path

from moneylib import COMMITTEE_ID, add_gifts, add_people, analyze, make_campaign, money_database

from app.donations import fec_ledger
from app.donations.committee import committee_settings
from app.donations.fec_format import line_records
from app.donations.fec_ledger import Period
from app.donations.fec_reports import ReportRequest, write_report
from app.extensions import db

GOAL_SECONDS = 10.0
QUARTER = Period(date(2026, 1, 1), date(2026, 3, 31))


def seed(itemized: int) -> tuple:
    started = time.perf_counter()
    actor, elections = make_campaign("bench-fec")
    org = actor.organization_id
    for tag, count in (("Big", itemized), ("Small", itemized // 2), ("Early", itemized // 10)):
        add_people(org, count, tag)
    add_gifts(
        org, "Big", election_id=elections["P"], cents=25_000, first_day=QUARTER.start, days=90
    )
    add_gifts(org, "Small", election_id=elections["P"], cents=2_500, first_day=QUARTER.start,
              days=90, earmark_every=3)  # fmt: skip
    add_gifts(org, "Early", election_id=elections["P"], cents=25_000, first_day=date(2025, 12, 1),
              days=31)  # fmt: skip
    analyze()
    print(f"seeded {itemized * 8 // 5:,} gifts in {time.perf_counter() - started:.1f} s")
    return actor, elections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--itemized", type=int, default=100_000)
    parser.add_argument("--parse", action="store_true", help="read it back with fecfile")
    args = parser.parse_args()
    with money_database("bench_fec"):
        actor, _ = seed(args.itemized)
        org = actor.organization_id
        threshold = committee_settings(org).itemization_threshold_cents
        started = time.perf_counter()
        fec_ledger.summary_sums(org, QUARTER, threshold)
        summary_seconds = time.perf_counter() - started
        started = time.perf_counter()
        lines = list(fec_ledger.itemized_lines(org, QUARTER, threshold))
        lines_seconds = time.perf_counter() - started
        started = time.perf_counter()
        body = "".join(line_records(COMMITTEE_ID, lines))
        hashlib.sha256(body.encode("ascii")).hexdigest()
        format_seconds = time.perf_counter() - started
        db.session.rollback()

        started = time.perf_counter()
        request = ReportRequest(committee_id=COMMITTEE_ID, period=QUARTER)
        report, content = write_report(actor, request, today=date(2026, 4, 10))
        out = Path(tempfile.mkdtemp(prefix="doorstep-fec-")) / "q1.fec"
        out.write_bytes(content)
        db.session.commit()
        total = time.perf_counter() - started
        memos = sum(line.is_memo for line in lines)
        print(
            f"report: {len(lines) - memos:,} itemised contributions and {memos:,} conduit memo "
            f"entries, {len(content) / 1e6:.1f} MB, receipts ${report.receipts_cents / 100:,.2f}"
        )
        print(
            f"  summary SQL {summary_seconds:.2f} s, lines SQL {lines_seconds:.2f} s, "
            f"formatting {format_seconds:.2f} s"
        )
        verdict = "OK" if total < GOAL_SECONDS else "OVER"
        print(f"write_report end to end: {total:.2f} s (goal < {GOAL_SECONDS:.0f} s) {verdict}")
        if args.parse:
            import fecfile

            started = time.perf_counter()
            parsed = fecfile.from_file(str(out))
            itemized = sum(
                round(line["contribution_amount"] * 100)
                for line in parsed["itemizations"]["Schedule A"]
                if line["form_type"] == "SA11AI" and line["memo_code"] != "X"
            )
            summary = round(parsed["filing"]["col_a_individual_contributions_itemized"] * 100)
            print(
                f"fecfile read it in {time.perf_counter() - started:.1f} s: itemised "
                f"${itemized / 100:,.2f} {'=' if itemized == summary else '!='} summary 11a(i)"
            )
        out.unlink()


if __name__ == "__main__":
    main()

"""``doorstep fec ...``: write Form 3 for a period, record it filed, amend it, export it as CSV
for a compliance firm, list what was written and filed."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.accounts.cli import ORG, organization_id_for
from app.audit.context import acting_as
from app.core.actor import Actor
from app.core.errors import DoorstepError
from app.core.transactions import unit_of_work


def _day(option: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is no date (YYYY-MM-DD)", param_hint=option) from None


def _cents(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        amount = Decimal(value.replace(",", "").lstrip("$"))
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is no amount", param_hint="--cash-on-hand") from None
    if amount != amount.quantize(Decimal("0.01")):
        raise click.BadParameter("at most two decimals (cents)", param_hint="--cash-on-hand")
    return int(amount * 100)


def _fail(exc: DoorstepError) -> click.ClickException:
    fields = "; ".join(
        f"{name}: {' '.join(map(str, why))}" for name, why in (exc.fields or {}).items()
    )
    return click.ClickException(f"{exc.message} [{exc.code}]" + (f" ({fields})" if fields else ""))


@click.group("fec")
def fec_group() -> None:
    """FEC reports: Form 3 and its schedules in the .fec format, amendments, CSV exports."""


PERIOD = [
    click.option("--from", "start", required=True, help="First day of the period (YYYY-MM-DD)"),
    click.option("--to", "through", required=True, help="Last day, included (YYYY-MM-DD)"),
]


def _period(start: str, through: str):
    from app.donations.fec_ledger import Period

    return Period(_day("--from", start), _day("--to", through))


@fec_group.command("report")
@PERIOD[0]
@PERIOD[1]
@click.option("--committee-id", required=True, help="The committee's FEC id (C00123456)")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--report-code", default=None, help="Q1, Q2, Q3, YE, 12P, 30G ... (quarters: implied)"
)
@click.option("--election-code", default=None, help="For a pre/post-election report: P2026 ...")
@click.option("--election-state", default=None, help="Default: the committee's state")
@click.option("--district", default=None, help="The House district (two digits)")
@click.option("--cash-on-hand", default=None, help="Cash at the start ($); default: the last close")
@click.option("--amend", is_flag=True, help="Write an amendment (F3A) of the filed report")
@ORG
@with_appcontext
def report_command(
    start, through, committee_id, out, report_code, election_code, election_state, district,
    cash_on_hand, amend, slug,
) -> None:  # fmt: skip
    """Write Form 3 and Schedules A and B for a period as a .fec file (and record it)."""
    from app.donations.fec_reports import ReportRequest, write_report

    request = ReportRequest(
        committee_id=committee_id.upper(),
        period=_period(start, through),
        report_code=report_code,
        election_code=election_code,
        election_state=election_state,
        district=district,
        cash_on_hand_start_cents=_cents(cash_on_hand),
        amend=amend,
    )
    with acting_as("cli:fec-report"):
        try:
            with unit_of_work():
                report, content = write_report(
                    Actor.system(organization_id_for(slug), "cli"), request
                )
                line = _describe(report)
        except DoorstepError as exc:
            raise _fail(exc) from exc
    out.write_bytes(content)  # once recorded: a file on disk is always one the books know
    click.echo(f"{line} -> {out}")
    if report.form_type == "F3A" and not content.split(b"\x1c", 6)[5]:
        click.echo("note: the original's FEC filing id is not recorded; add it to the header")


@fec_group.command("filed")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--fec-id", default=None, help="The FEC's id of the accepted filing (FEC-1234567)")
@ORG
@with_appcontext
def filed_command(file: Path, fec_id: str | None, slug: str | None) -> None:
    """Record that FILE (a report written here) was filed: it is amended, never rewritten."""
    from app.donations.fec_reports import mark_filed

    sha256 = hashlib.sha256(file.read_bytes()).hexdigest()
    with acting_as("cli:fec-filed"):
        try:
            with unit_of_work():
                report = mark_filed(Actor.system(organization_id_for(slug), "cli"), sha256, fec_id)
                line = _describe(report)
        except DoorstepError as exc:
            raise _fail(exc) from exc
    click.echo(f"filed: {line}")


@fec_group.command("list")
@ORG
@with_appcontext
def list_command(slug: str | None) -> None:
    """The reports written and filed, the latest period first."""
    from app.donations.fec_reports import list_reports

    for report in list_reports(organization_id_for(slug)):
        click.echo(_describe(report))


@fec_group.command("export")
@PERIOD[0]
@PERIOD[1]
@click.option("--format", "format_", type=click.Choice(["csv"]), default="csv", show_default=True)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="A folder: schedule_a.csv, schedule_b.csv and summary.csv are written in it",
)
@click.option("--cash-on-hand", default=None, help="Cash at the start ($); default: the last close")
@ORG
@with_appcontext
def export_command(start, through, format_, out, cash_on_hand, slug) -> None:
    """The same lines and summary as CSV files, for a compliance firm."""
    from app.donations.fec_export import export_csv

    period = _period(start, through)
    out.mkdir(parents=True, exist_ok=True)
    with acting_as("cli:fec-export"):
        try:
            with unit_of_work():
                counts = export_csv(
                    Actor.system(organization_id_for(slug), "cli"),
                    period,
                    out,
                    _cents(cash_on_hand),
                )
        except DoorstepError as exc:
            raise _fail(exc) from exc
    click.echo(", ".join(f"{name}: {rows} rows" for name, rows in counts.items()) + f" -> {out}")


def _describe(report) -> str:
    filed = f"filed {report.filed_at:%Y-%m-%d}" if report.is_filed else "written, not filed"
    if report.fec_filing_id:
        filed += f" as {report.fec_filing_id}"
    return (
        f"{report.form_type} {report.report_code} {report.coverage_from}..{report.coverage_through}"
        f" {report.committee_id}: {report.itemized_lines} itemised lines, receipts "
        f"${report.receipts_cents / 100:,.2f}, refunds ${report.refunds_cents / 100:,.2f}, "
        f"{filed}, sha256 {report.sha256[:12]}"
    )

"""Writing Form 3 for a period, recording it filed, and amending it.

A report is written from the ledger as it stands (``app.donations.fec_ledger``) and recorded
with its sha256. Once the treasurer files it (``mark_filed``), it is never written again for
that period: a correction after filing (a refund dated in the period, a void) goes into an
amendment (F3A), which repeats the whole report with the header naming the filing it amends.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts.models import Organization
from app.audit.operations import record_audit
from app.core.actor import Actor
from app.core.errors import Conflict, NotFound, ValidationError
from app.donations.committee import committee_settings, list_elections
from app.donations.fec_format import (
    Header,
    form3_record,
    header_record,
    line_records,
    summary_columns,
)
from app.donations.fec_ledger import Period, gifts_in_review, itemized_lines, summary_sums
from app.donations.fec_models import FecReport
from app.donations.models import CommitteeSettings
from app.extensions import db

COMMITTEE_ID = re.compile(r"^C\d{8}$")
REPORT_CODES = {"Q1", "Q2", "Q3", "YE", "12P", "12G", "12R", "12S", "12C", "30G", "30R", "30S"}
REPORT_CODES |= {"TER"}
_QUARTERS = {((1, 1), (3, 31)): "Q1", ((4, 1), (6, 30)): "Q2", ((7, 1), (9, 30)): "Q3"}
_QUARTERS[((10, 1), (12, 31))] = "YE"


@dataclass(frozen=True)
class ReportRequest:
    """What the treasurer asks for: the committee, the period and the report's kind."""

    committee_id: str
    period: Period
    report_code: str | None = None
    election_code: str | None = None
    election_state: str | None = None
    district: str | None = None
    #: Cash on hand at the start of the period; by default the close of the report filed
    #: for the period just before, else 0.
    cash_on_hand_start_cents: int | None = None
    amend: bool = False


def write_report(
    actor: Actor, request: ReportRequest, *, today: date | None = None
) -> tuple[FecReport, bytes]:
    """Write the ``.fec`` file for ``request`` and record it; returns (the record, the file)."""
    org = actor.organization_id
    settings = committee_settings(org)
    _check_committee(settings, request.committee_id)
    period = request.period
    if period.start > period.through:
        raise ValidationError(
            "The period ends before it starts.", fields={"to": ["Must be on or after from."]}
        )
    ensure_settled(org, period)
    original, latest = _filed_before(org, request)
    report_code = _report_code(request)
    election_code, election_date = _election_of(org, request, report_code)
    sums = summary_sums(org, period, settings.itemization_threshold_cents)
    lines = list(itemized_lines(org, period, settings.itemization_threshold_cents))
    body = "".join(line_records(request.committee_id, lines))
    lines_digest = hashlib.sha256(body.encode("ascii")).hexdigest()
    cash_start = request.cash_on_hand_start_cents
    if cash_start is None:
        cash_start = previous_close(org, request.committee_id, period)
    column_a, column_b = summary_columns(sums, cash_start)
    summary = {"a": column_a, "b": column_b}
    if latest is not None and (latest.lines_digest, latest.summary) == (lines_digest, summary):
        raise Conflict(
            "Nothing changed since the filed report: no amendment to write.",
            code="amendment_unchanged",
        )
    header = Header(
        form_type="F3A" if original else "F3N",
        committee_id=request.committee_id,
        committee_name=settings.committee_name,
        street_1=settings.street_1,
        street_2=settings.street_2,
        city=settings.city,
        state=settings.state,
        zip=settings.zip,
        election_state=(request.election_state or settings.state or "").upper(),
        election_district=request.district or "",
        report_code=report_code,
        election_code=election_code,
        election_date=election_date,
        coverage_from=period.start,
        coverage_through=period.through,
        treasurer_last_name=settings.treasurer_last_name,
        treasurer_first_name=settings.treasurer_first_name,
        date_signed=today or _today(org),
        amends_filing_id=(original.fec_filing_id or "") if original else "",
        amendment_number=latest.amendment_number + 1 if latest else 0,
    )
    content = (header_record(header) + form3_record(header, column_a, column_b) + body).encode(
        "ascii"
    )
    report = _record(actor, header, content, lines_digest, summary, len(lines), original)
    return report, content


def ensure_settled(organization_id: int, period: Period) -> None:
    """Refuse a report while gifts it would count wait in the donor review queue."""
    waiting = gifts_in_review(organization_id, period)
    if waiting:
        raise Conflict(
            f"{waiting} gift(s) received by {period.through} wait in the donor review queue: "
            "settle who gave them before reporting.",
            code="donors_in_review",
            fields={"review_queue": [f"{waiting} gift(s)."]},
        )


def _check_committee(settings: CommitteeSettings, committee_id: str) -> None:
    if not COMMITTEE_ID.match(committee_id or ""):
        raise ValidationError(
            "A committee id is C and eight digits.",
            fields={"committee_id": [f"{committee_id!r} is not like C00123456."]},
        )
    if settings.committee_id and settings.committee_id != committee_id:
        raise ValidationError(
            f"This campaign's committee is {settings.committee_id}.",
            code="committee_mismatch",
            fields={"committee_id": [f"The committee settings say {settings.committee_id}."]},
        )
    missing = [
        name
        for name in ("committee_name", "treasurer_last_name", "treasurer_first_name")
        if not (getattr(settings, name) or "").strip()
    ]
    if missing:
        raise ValidationError(
            "The committee settings lack what Form 3 requires.",
            code="committee_incomplete",
            fields={name: ["Required on Form 3."] for name in missing},
        )


def _filed_before(
    organization_id: int, request: ReportRequest
) -> tuple[FecReport | None, FecReport | None]:
    """(the filed original, its latest filed version) an amendment amends; (None, None) for a
    new report, which no filed report may overlap."""
    period = request.period
    filed = list(
        db.session.scalars(
            select(FecReport)
            .where(
                FecReport.organization_id == organization_id,
                FecReport.committee_id == request.committee_id,
                FecReport.filed_at.is_not(None),
                FecReport.coverage_from <= period.through,
                FecReport.coverage_through >= period.start,
            )
            .order_by(FecReport.amendment_number, FecReport.id)
        )
    )
    if not request.amend:
        if filed:
            first = filed[0]
            raise Conflict(
                f"A report for {first.coverage_from}..{first.coverage_through} was filed on "
                f"{first.filed_at:%Y-%m-%d}: a filed report is amended (--amend), never "
                "written again.",
                code="report_filed",
                fields={"from": ["A filed report covers these days."]},
            )
        return None, None
    same = [
        report
        for report in filed
        if (report.coverage_from, report.coverage_through) == (period.start, period.through)
    ]
    originals = [report for report in same if report.amends_id is None]
    if not originals:
        raise Conflict(
            f"No report for {period.start}..{period.through} was filed: nothing to amend.",
            code="nothing_to_amend",
            fields={"amend": ["No filed report covers exactly this period."]},
        )
    return originals[0], same[-1]


def _report_code(request: ReportRequest) -> str:
    period = request.period
    code = (request.report_code or "").upper()
    if not code:
        key = ((period.start.month, period.start.day), (period.through.month, period.through.day))
        code = _QUARTERS.get(key, "") if period.start.year == period.through.year else ""
        if not code:
            raise ValidationError(
                "The period is not a calendar quarter: say which report it is.",
                fields={"report_code": [f"One of {sorted(REPORT_CODES)}."]},
            )
    if code not in REPORT_CODES:
        raise ValidationError(
            f"Unknown report code {code!r}.",
            fields={"report_code": [f"One of {sorted(REPORT_CODES)}."]},
        )
    return code


def _election_of(
    organization_id: int, request: ReportRequest, report_code: str
) -> tuple[str, date | None]:
    """A pre- or post-election report names its election (its code and date)."""
    if not report_code[:2].isdigit():
        return "", None
    elections = list_elections(organization_id)
    if request.election_code:
        chosen = [e for e in elections if e.code == request.election_code.upper()]
    else:
        kind = report_code[2]
        after = request.period.through
        if report_code.startswith("30"):  # a post-election report follows its election
            after = request.period.start - timedelta(days=60)
        chosen = [e for e in elections if e.kind.value == kind and e.held_on > after]
    if not chosen:
        raise ValidationError(
            f"A {report_code} report names its election; none fits.",
            fields={"election_code": ["Give the election's code (P2026, G2026 ...)."]},
        )
    return chosen[0].code, chosen[0].held_on


def previous_close(organization_id: int, committee_id: str, period: Period) -> int:
    """Cash on hand at the close of the latest version of the report filed for the period
    ending the day before this one starts."""
    previous = db.session.scalar(
        select(FecReport)
        .where(
            FecReport.organization_id == organization_id,
            FecReport.committee_id == committee_id,
            FecReport.filed_at.is_not(None),
            FecReport.coverage_through == period.start - timedelta(days=1),
        )
        .order_by(FecReport.amendment_number.desc(), FecReport.id.desc())
        .limit(1)
    )
    return previous.cash_on_hand_close_cents if previous else 0


def _today(organization_id: int) -> date:
    organization = db.session.get(Organization, organization_id)
    zone = ZoneInfo(organization.time_zone if organization else "America/New_York")
    return datetime.now(UTC).astimezone(zone).date()


def _record(
    actor: Actor,
    header: Header,
    content: bytes,
    lines_digest: str,
    summary: dict[str, dict[str, int]],
    line_count: int,
    original: FecReport | None,
) -> FecReport:
    sha256 = hashlib.sha256(content).hexdigest()
    existing = db.session.scalar(
        select(FecReport).where(
            FecReport.organization_id == actor.organization_id, FecReport.sha256 == sha256
        )
    )
    if existing is not None:  # the same file written twice: one record
        return existing
    column_a = summary["a"]
    report = FecReport(
        organization_id=actor.organization_id,
        committee_id=header.committee_id,
        form_type=header.form_type,
        report_code=header.report_code,
        coverage_from=header.coverage_from,
        coverage_through=header.coverage_through,
        amends_id=original.id if original else None,
        amendment_number=header.amendment_number,
        sha256=sha256,
        lines_digest=lines_digest,
        summary=summary,
        receipts_cents=column_a["16"],
        refunds_cents=column_a["20d"],
        cash_on_hand_close_cents=column_a["27"],
        itemized_lines=line_count,
        written_by_id=actor.user_id,
    )
    db.session.add(report)
    db.session.flush()
    record_audit(
        "fec_report.write",
        entity=report,
        changes={
            "form_type": report.form_type,
            "period": [str(header.coverage_from), str(header.coverage_through)],
            "sha256": sha256,
            "lines": line_count,
        },
    )
    return report


_FILING_ID = re.compile(r"^(?:FEC-)?(\d{1,16})$", re.IGNORECASE)


def mark_filed(
    actor: Actor, sha256: str, fec_filing_id: str | None = None, filed_at: datetime | None = None
) -> FecReport:
    """Record that the report written as the file with ``sha256`` was filed with the FEC."""
    report = db.session.scalar(
        select(FecReport).where(
            FecReport.organization_id == actor.organization_id, FecReport.sha256 == sha256
        )
    )
    if report is None:
        raise NotFound("No report was written as this file: write it with `doorstep fec report`.")
    if report.is_filed:
        raise Conflict(f"This report was filed on {report.filed_at:%Y-%m-%d}.", code="filed")
    filing_id = None
    if fec_filing_id:
        match = _FILING_ID.match(fec_filing_id.strip())
        if not match:
            raise ValidationError(
                "The FEC's filing id is FEC- and digits.",
                fields={"fec_id": [f"{fec_filing_id!r} is not like FEC-1234567."]},
            )
        filing_id = f"FEC-{match.group(1)}"
    _check_still_current(report)
    report.filed_at = filed_at or datetime.now(UTC)
    report.fec_filing_id = filing_id
    report.filed_by_id = actor.user_id
    db.session.flush()
    record_audit(
        "fec_report.file",
        entity=report,
        changes={"sha256": sha256, "fec_filing_id": filing_id, "form_type": report.form_type},
    )
    return report


def _check_still_current(report: FecReport) -> None:
    """A report is filed only over nothing filed for its days since it was written: a new
    report over no filed one, an amendment over no later version of its original."""
    overlapping = db.session.scalars(
        select(FecReport).where(
            FecReport.organization_id == report.organization_id,
            FecReport.committee_id == report.committee_id,
            FecReport.filed_at.is_not(None),
            FecReport.coverage_from <= report.coverage_through,
            FecReport.coverage_through >= report.coverage_from,
        )
    )
    for other in overlapping:
        in_chain = report.amends_id is not None and report.amends_id in (other.id, other.amends_id)
        if not in_chain or other.amendment_number >= report.amendment_number:
            raise Conflict(
                f"A report for {other.coverage_from}..{other.coverage_through} was filed since "
                "this one was written: write the amendment again (--amend).",
                code="report_stale",
            )


def list_reports(organization_id: int) -> list[FecReport]:
    return list(
        db.session.scalars(
            select(FecReport)
            .where(FecReport.organization_id == organization_id)
            .order_by(FecReport.coverage_from.desc(), FecReport.id.desc())
        )
    )

"""Load a processor's export of gifts: ActBlue's contributions CSV (``--format actblue``) or a
file read by a saved donation mapping (WinRed, Anedot, a bank).

Each row is read into a gift (``app.donations.sources``) or refused naming its line and
column; the good rows are COPYed into a staging table and recorded set-based by
``app.donations.bulk``, in the caller's one transaction. A row whose line id is recorded
already changes nothing, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from app.core.actor import Actor
from app.core.reading import FileRefused, RowReject, check_file, read_rows
from app.donations.actblue import CSV_COLUMNS, CSV_REQUIRED, actblue_source
from app.donations.bulk import STAGE_COLUMNS, create_stage, record_staged, stage_row
from app.donations.mapping import mapping_source
from app.donations.sources import RowProblem, Source, read_gift
from app.extensions import db
from app.imports.models import ImportMapping, MappingKind
from app.imports.progress import JobProgress
from app.imports.staging import driver_connection

BUILT_IN_FORMATS = ("actblue",)


@dataclass
class DonationImportResult:
    rows_read: int = 0
    loaded: int = 0
    unchanged: int = 0
    rejected: int = 0
    summary: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DonationFormat:
    name: str
    source: Source
    delimiter: str = ","
    encoding: str = "utf-8"
    required: tuple[str, ...] = ()


def resolve_format(organization_id: int, name: str) -> DonationFormat:
    """``actblue`` or the name of one of the campaign's saved donation mappings."""
    if name == "actblue":
        return DonationFormat("actblue", actblue_source(organization_id), required=CSV_REQUIRED)
    mapping = db.session.scalar(
        select(ImportMapping).filter_by(
            organization_id=organization_id, name=name, kind=MappingKind.DONATIONS.value
        )
    )
    if mapping is None:
        raise FileRefused(
            f"Unknown format {name!r}: use actblue or the name of a saved donation mapping.",
            fields={"format": name},
        )
    source = mapping_source(organization_id, mapping.columns, mapping.options)
    required = tuple(mapping.columns[n] for n in ("line_id", "amount", "date", "last_name"))
    return DonationFormat(name, source, mapping.delimiter, mapping.encoding, required)


def import_donations(
    actor: Actor, job_id: int, path: Path, fmt: DonationFormat, progress: JobProgress
) -> DonationImportResult:
    header = check_file(
        path, encoding=fmt.encoding, delimiter=fmt.delimiter, what=f"a {fmt.name} export"
    )
    missing = [name for name in fmt.required if name not in header]
    if missing:
        raise FileRefused(
            f"This is not a {fmt.name} export: missing columns {', '.join(missing[:5])}.",
            fields={"format": fmt.name},
        )
    if not fmt.source.designations:
        raise FileRefused(
            "The campaign has no elections to designate gifts to: add them first (docs/money.md).",
            fields={"elections": "none"},
        )
    index = {name: i for i, name in enumerate(header)}
    # donation field -> its cell's position; a column the file lacks reads as ''.
    positions = {name: index.get(column, -1) for name, column in fmt.source.columns.items()}
    result = DonationImportResult()
    rejects: list[RowReject] = []
    phones: dict[str, str | None] = {}
    create_stage()
    copy_sql = f"COPY donation_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN"
    with driver_connection().cursor().copy(copy_sql) as copy:
        for line_no, row in read_rows(
            path,
            encoding=fmt.encoding,
            delimiter=fmt.delimiter,
            on_progress=lambda b, r: progress.update(
                bytes_read=b, rows_read=r, rows_rejected=len(rejects)
            ),
        ):
            result.rows_read += 1
            if isinstance(row, RowReject):
                rejects.append(row)
                continue
            row.append("")  # position -1: a field the file does not have

            def get(name: str, row=row) -> str:
                return row[positions.get(name, -1)]

            try:
                gift = read_gift(fmt.source, get)
            except RowProblem as problem:
                rejects.append(RowReject(line_no, problem.column, problem.reason, problem.value))
                continue
            copy.write_row(stage_row(line_no, gift, phones))
    if result.rows_read == 0:
        raise FileRefused("The file has a header row but no data rows.", fields={"file": "empty"})
    progress.update(phase="staged", rows_read=result.rows_read)
    recorded = record_staged(
        actor, fmt.source, job_id=job_id, phase=lambda name: progress.update(phase=name)
    )
    rejects += [RowReject(*reject) for reject in recorded.rejects]
    _save_rejects(job_id, rejects)
    rejected_lines = {reject.line_no for reject in rejects}
    result.rejected = len(rejected_lines)
    result.loaded = len(recorded.loaded_lines - rejected_lines)
    result.unchanged = result.rows_read - result.loaded - result.rejected
    progress.update(phase="done", rows_rejected=result.rejected)
    result.summary = {
        "format": fmt.name,
        "phase_seconds": progress.phase_seconds,
        **recorded.summary,
    }
    return result


def _save_rejects(job_id: int, rejects: list[RowReject]) -> None:
    if not rejects:
        return
    with (
        driver_connection()
        .cursor()
        .copy('COPY import_rejects (job_id, line_no, "column", reason, value) FROM STDIN') as copy
    ):
        for reject in rejects:
            copy.write_row(
                (job_id, reject.line_no, reject.column[:120], reject.reason[:300],
                 reject.value[:200])
            )  # fmt: skip


__all__ = ["BUILT_IN_FORMATS", "CSV_COLUMNS", "import_donations", "resolve_format"]

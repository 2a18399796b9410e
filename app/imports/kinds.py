"""The registry of import kinds: each kind registers the runner that does its job's work.

A runner takes the job, its file and its progress writer, works in the caller's transaction
(flush, never commit) and returns an ``ImportResult``. ``run_job`` (jobs.py) looks the runner up
by the job's kind; a kind without one fails its job with a clear message.

The runners for areas and streets live here, not in those rooms: imports is the room above
the places rooms it loads into (README: the layer order), so it calls down into them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.areas.operations import import_areas
from app.core.actor import Actor
from app.core.errors import DoorstepError
from app.core.reading import FileRefused, RowReject
from app.extensions import db
from app.imports.donations import import_donations, resolve_format
from app.imports.election_map import read_election_map
from app.imports.geocoding import geocode_addresses, geocode_report, load_address_points
from app.imports.history import import_nc_history
from app.imports.layouts import BUILT_IN_LAYOUTS, VoterLayout, mapping_layout
from app.imports.models import ImportJob, ImportKind, ImportMapping, MappingKind
from app.imports.progress import JobProgress
from app.imports.voters import import_voters
from app.streets.operations import import_streets


@dataclass(frozen=True)
class ImportResult:
    """What every kind's runner returns.

    ``counts`` are the job's row counts (``rows_read``, ``rows_inserted``, ``rows_updated``,
    ``rows_unchanged``, ``rows_rejected``, ``rows_removed``: those a kind knows); ``summary`` is
    kept on the job as it is; ``rejects`` are the rows refused that the runner has not written
    to ``import_rejects`` itself (the staged kinds write theirs while staging).
    """

    counts: dict[str, int]
    summary: dict[str, Any] = field(default_factory=dict)
    rejects: Sequence[RowReject] = ()


Runner = Callable[[ImportJob, Path, JobProgress], ImportResult]

RUNNERS: dict[ImportKind, Runner] = {}


class UnknownImportKind(DoorstepError):
    status = 422
    code = "import_kind_unknown"


def import_kind(kind: ImportKind) -> Callable[[Runner], Runner]:
    """Register ``runner`` as the one that does ``kind``'s jobs."""

    def register(runner: Runner) -> Runner:
        if kind in RUNNERS:
            raise ValueError(f"import kind {kind.value!r} has a runner already")
        RUNNERS[kind] = runner
        return runner

    return register


def runner_for(kind: ImportKind) -> Runner:
    try:
        return RUNNERS[kind]
    except KeyError:
        raise UnknownImportKind(
            f"No runner is registered for imports of kind {kind.value!r}; nothing was imported.",
            fields={"kind": kind.value},
        ) from None


@import_kind(ImportKind.VOTERS)
def run_voters(job: ImportJob, path: Path, progress: JobProgress) -> ImportResult:
    result = import_voters(
        job.organization_id,
        job.id,
        path,
        resolve_layout(job.organization_id, job.layout),
        progress,
        elections=_elections(job.options),
        full_file=job.options.get("full_file", True),
        filename=job.filename,
    )
    counts = {
        "rows_read": result.rows_read,
        "rows_inserted": result.inserted,
        "rows_updated": result.updated,
        "rows_unchanged": result.unchanged,
        "rows_rejected": result.rejected,
        "rows_removed": result.removed,
    }
    return ImportResult(
        counts, {**result.summary, "geocoding": geocode_report(job.organization_id)}
    )


@import_kind(ImportKind.HISTORY)
def run_history(job: ImportJob, path: Path, progress: JobProgress) -> ImportResult:
    result = import_nc_history(job.organization_id, job.id, path, progress)
    counts = {
        "rows_read": result.rows_read,
        "rows_inserted": result.inserted,
        "rows_unchanged": result.unchanged,
        "rows_rejected": result.rejected,
    }
    return ImportResult(counts, result.summary)


@import_kind(ImportKind.AREAS)
def run_areas(job: ImportJob, path: Path, progress: JobProgress) -> ImportResult:
    result = import_areas(
        job.organization_id,
        path,
        kind=job.options["kind"],
        code_field=job.options.get("code_field"),
        name_field=job.options.get("name_field"),
        import_job_id=job.id,
    )
    counts = {
        "rows_read": result.read,
        "rows_inserted": result.inserted,
        "rows_updated": result.updated,
        "rows_rejected": len(result.rejects),
    }
    return ImportResult(counts, {"addresses_placed": result.addresses_placed}, result.rejects)


@import_kind(ImportKind.STREETS)
def run_streets(job: ImportJob, path: Path, progress: JobProgress) -> ImportResult:
    barrier = job.options.get("barrier", False)
    result = import_streets(
        job.organization_id,
        path,
        key_field=job.options.get("key_field"),
        name_field=job.options.get("name_field"),
        barrier=barrier,
        import_job_id=job.id,
    )
    counts = {
        "rows_read": result.read,
        "rows_inserted": result.inserted,
        "rows_updated": result.updated,
        "rows_rejected": len(result.rejects),
    }
    return ImportResult(counts, {"barrier": barrier}, result.rejects)


@import_kind(ImportKind.ADDRESS_POINTS)
def run_address_points(job: ImportJob, path: Path, progress: JobProgress) -> ImportResult:
    read, added, rejects = load_address_points(job.organization_id, job.id, path, progress)
    placed = geocode_addresses(job.organization_id)
    counts = {
        "rows_read": read,
        "rows_inserted": added,
        "rows_unchanged": read - added - len(rejects),
        "rows_rejected": len(rejects),
    }
    summary = {"addresses_placed": placed, "geocoding": geocode_report(job.organization_id)}
    return ImportResult(counts, summary, rejects)


@import_kind(ImportKind.DONATIONS)
def run_donations(job: ImportJob, path: Path, progress: JobProgress) -> ImportResult:
    actor = Actor(job.organization_id, job.created_by_id, f"import:{job.id}")
    fmt = resolve_format(job.organization_id, job.layout)
    result = import_donations(actor, job.id, path, fmt, progress)
    counts = {
        "rows_read": result.rows_read,
        "rows_inserted": result.loaded,
        "rows_unchanged": result.unchanged,
        "rows_rejected": result.rejected,
    }
    return ImportResult(counts, result.summary)


def resolve_layout(organization_id: int, name: str) -> VoterLayout:
    """A built-in layout (pa, nc, nc-snapshot, oh) or the organisation's saved mapping."""
    if name in BUILT_IN_LAYOUTS:
        return BUILT_IN_LAYOUTS[name]
    mapping = db.session.scalar(
        select(ImportMapping).filter_by(
            organization_id=organization_id, name=name, kind=MappingKind.VOTERS.value
        )
    )
    if mapping is None:
        raise FileRefused(
            f"Unknown layout {name!r}: use {', '.join(BUILT_IN_LAYOUTS)}"
            " or the name of a saved mapping.",
            fields={"layout": name},
        )
    return mapping_layout(
        mapping.name,
        state=mapping.state,
        columns=mapping.columns,
        delimiter=mapping.delimiter,
        encoding=mapping.encoding,
        date_format=mapping.date_format,
    )


def _elections(options: dict) -> dict | None:
    elections = options.get("elections")
    if isinstance(elections, str):  # a path given on the command line
        try:
            return read_election_map(Path(elections).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise FileRefused(f"The election map could not be read: {exc}") from exc
    return elections

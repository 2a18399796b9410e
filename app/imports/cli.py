"""``doorstep import ...``: the same imports as the API, in the foreground, with a progress bar."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.accounts.cli import ORG, organization_id_for
from app.audit.context import acting_as
from app.core.transactions import commit
from app.imports.models import ImportKind, JobStatus
from app.imports.progress import VOTER_PHASES, voter_import_done


@click.group("import")
def import_group() -> None:
    """Load voter files, vote history, areas, address points, streets and donations."""


def run_import(
    kind: ImportKind,
    path: Path,
    slug: str | None,
    *,
    quiet: bool = False,
    layout: str = "",
    options: dict | None = None,
) -> None:
    """Create the job, run it with a progress bar, commit, print the one-line summary."""
    from app.extensions import db
    from app.imports.jobs import claim_job, create_job, run_job, summary_line

    with acting_as(f"cli:import-{kind.value}"):
        job = create_job(organization_id_for(slug), kind, path, layout=layout, options=options)
        commit()
        claim_job(db.engine, job.id)
        db.session.expire(job)
        label = f"{kind.value} {path.name}"
        with click.progressbar(
            length=1000, label=label, hidden=quiet, show_pos=False, show_percent=True
        ) as bar:
            done = {"steps": 0}

            def on_change(progress) -> None:
                total = max(progress.total_bytes or job.file_size, 1)
                read = min(progress.bytes_read, total) / total
                phased = voter_import_done(progress.phase, read)
                if phased is not None:
                    bar.label = f"{label}: {progress.phase} ({phased[1]}/{len(VOTER_PHASES)})"
                step = round(1000 * (phased[0] if phased else read)) - done["steps"]
                if step > 0:
                    bar.update(step)
                    done["steps"] += step

            job = run_job(job, engine=db.engine, on_change=on_change)
            bar.update(1000 - done["steps"])
        commit()
    click.echo(summary_line(job))
    if job.status == JobStatus.FAILED:
        raise SystemExit(1)


QUIET = click.option("--quiet", is_flag=True, help="No progress bar")


@import_group.command("voters")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--layout", required=True, help="pa, nc, nc-snapshot, oh, or the name of a saved mapping"
)
@click.option(
    "--elections",
    type=click.Path(exists=True, dir_okay=False),
    help="Election map (JSON, or the state's Election Map file) for layouts that number"
    " elections (pa)",
)
@click.option(
    "--partial", is_flag=True, help="Not a full file: don't mark voters missing from it as removed"
)
@ORG
@QUIET
@with_appcontext
def import_voters_command(
    file: Path, layout: str, elections: str | None, partial: bool, slug: str | None, quiet: bool
) -> None:
    """Import a voter file (idempotent: a second run of the same file changes nothing)."""
    options = {"full_file": not partial}
    if elections:
        options["elections"] = str(Path(elections).resolve())
    run_import(ImportKind.VOTERS, file, slug, quiet=quiet, layout=layout, options=options)


@import_group.command("history")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--layout", type=click.Choice(["nc"]), required=True)
@ORG
@QUIET
@with_appcontext
def import_history_command(file: Path, layout: str, slug: str | None, quiet: bool) -> None:
    """Import a separate vote-history file (North Carolina's ncvhis)."""
    run_import(ImportKind.HISTORY, file, slug, quiet=quiet, layout=layout)


@import_group.command("areas")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", required=True, help="precinct, ward, district, ...")
@click.option("--code-field", default=None, help="Property holding each area's code")
@click.option("--name-field", default=None, help="Property holding each area's name")
@ORG
@QUIET
@with_appcontext
def import_areas_command(
    file: Path,
    kind: str,
    code_field: str | None,
    name_field: str | None,
    slug: str | None,
    quiet: bool,
) -> None:
    """Import boundaries from GeoJSON or a zipped Shapefile (WGS84)."""
    options = {"kind": kind.strip().lower(), "code_field": code_field, "name_field": name_field}
    run_import(ImportKind.AREAS, file, slug, quiet=quiet, options=options)


@import_group.command("address-points")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@ORG
@QUIET
@with_appcontext
def import_address_points_command(file: Path, slug: str | None, quiet: bool) -> None:
    """Import an address-point layer (OpenAddresses CSV) and place unplaced addresses."""
    run_import(ImportKind.ADDRESS_POINTS, file, slug, quiet=quiet)


@import_group.command("streets")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key-field", default=None, help="Property holding each segment's id")
@click.option("--name-field", default=None, help="Property holding the street's name")
@click.option("--barriers", is_flag=True, help="Every line is a barrier (arterials, rail, rivers)")
@ORG
@QUIET
@with_appcontext
def import_streets_command(
    file: Path,
    key_field: str | None,
    name_field: str | None,
    barriers: bool,
    slug: str | None,
    quiet: bool,
) -> None:
    """Import street centrelines (GeoJSON or zipped Shapefile, WGS84, split at crossings)."""
    options = {"key_field": key_field, "name_field": name_field, "barrier": barriers}
    run_import(ImportKind.STREETS, file, slug, quiet=quiet, options=options)


@import_group.command("donations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    required=True,
    help="actblue (ActBlue's contributions CSV), or the name of a saved donation mapping",
)
@ORG
@QUIET
@with_appcontext
def import_donations_command(file: Path, fmt: str, slug: str | None, quiet: bool) -> None:
    """Import gifts from a processor's export (idempotent by the processor's line ids)."""
    run_import(ImportKind.DONATIONS, file, slug, quiet=quiet, layout=fmt)

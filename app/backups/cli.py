"""``doorstep backup`` and ``doorstep restore FILE``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.audit.context import acting_as
from app.backups.archive import BackupError
from app.backups.operations import mark_restored, restore_backup, take_backup
from app.backups.queries import RESEND_MARGIN
from app.core.migrations import migration_script
from app.core.transactions import unit_of_work
from app.extensions import db
from app.imports.uploads import upload_dir


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


@click.command("backup")
@with_appcontext
def backup_command() -> None:
    """Back up the database (pg_dump) and the uploads into one archive in DOORSTEP_BACKUP_DIR,
    then delete the archives past the retention (DOORSTEP_BACKUP_KEEP, _KEEP_DAYS)."""
    try:
        with acting_as("cli:backup"), unit_of_work():
            backup, removed = take_backup(datetime.now(UTC))
    except BackupError as exc:
        raise click.ClickException(exc.message) from exc
    manifest = backup.manifest
    click.echo(
        f"{backup.path} ({_megabytes(manifest.size)}: the database at migration "
        f"{manifest.revision}, {len(manifest.uploads)} uploads)"
    )
    for path in removed:
        click.echo(f"removed {path.name} (past the retention)")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Replace what the database holds (dropped in the restore's own transaction)",
)
@with_appcontext
def restore_command(archive: Path, force: bool) -> None:
    """Restore a `doorstep backup` archive into an empty database (stop the web server and the
    worker first); the archive's checksums are checked before anything changes."""
    db.engine.dispose()  # nothing of ours holds a connection while tables are replaced
    try:
        with acting_as("cli:restore"), unit_of_work():
            restored = restore_backup(archive, force=force, migrations=migration_script())
    except BackupError as exc:
        raise click.ClickException(exc.message) from exc
    manifest = restored.manifest
    click.echo(
        f"checked {archive.name}: taken {manifest.created_at:%Y-%m-%d %H:%M:%S} UTC, "
        f"every file's sha256 matches its manifest"
    )
    if restored.replaced.is_empty:
        click.echo("the database was empty")
    else:
        click.echo(f"dropped what the database held ({restored.replaced.describe()})")
    click.echo(f"restored the database at migration {manifest.revision}")
    click.echo(f"restored {len(manifest.uploads)} uploads into {upload_dir()}")
    if manifest.revision != restored.head:
        click.echo(f"this release's migrations end at {restored.head}: run `doorstep db upgrade`")
    if restored.epoch is None:
        click.echo("the archive predates database epochs: once upgraded, the phones send "
                   "again everything they hold")  # fmt: skip
    else:
        click.echo(_resend(manifest.created_at))


def _resend(since: datetime) -> str:
    since = (since - RESEND_MARGIN).astimezone(UTC)
    return (
        f"the phones send again what they synced since {since:%Y-%m-%d %H:%M} "
        "UTC (when they next sync; the server keeps what it already has)"
    )


def _aware_time(ctx: click.Context, param: click.Parameter, value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO time (2026-12-05T22:59Z)") from None
    if parsed.tzinfo is None:
        raise click.BadParameter(f"{value!r} has no offset: add Z for UTC, or +HH:MM")
    return parsed


@click.command("mark-restored")
@click.argument("restored_to", callback=_aware_time)
@with_appcontext
def mark_restored_command(restored_to: datetime) -> None:
    """After bringing the database back to RESTORED_TO by other means than `doorstep restore`
    (point-in-time recovery, pg_restore by hand): make the phones send again what they synced
    since. RESTORED_TO with its offset: 2026-12-05T22:59Z."""
    try:
        with acting_as("cli:mark-restored"), unit_of_work():
            mark_restored(restored_to, datetime.now(UTC))
    except BackupError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(_resend(restored_to))

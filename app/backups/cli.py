"""``doorstep backup`` and ``doorstep restore FILE``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.audit.context import acting_as
from app.backups.archive import BackupError
from app.backups.operations import restore_backup, take_backup
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

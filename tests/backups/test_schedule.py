"""The worker's scheduled backup: off by default, then every N hours by the newest archive,
in a thread of its own, with the retention applied."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.backups import schedule
from app.backups.archive import archive_name
from app.backups.queries import list_backups
from app.core import tasks
from app.core.migrations import migration_script
from app.extensions import db
from tests.backups.conftest import app_on

NOW = datetime(2027, 3, 1, 3, 0, tzinfo=UTC)


def test_the_worker_backs_up_when_due_and_prunes(make_database, tmp_path):
    """A pg_dump of a database of its own: about 0.3 s."""
    app = app_on(make_database("doorstep_backups_schedule"), tmp_path,
                 DOORSTEP_BACKUP_EVERY_HOURS=24, DOORSTEP_BACKUP_KEEP=1)  # fmt: skip
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / archive_name(NOW - timedelta(hours=30), "0019_old")).write_bytes(b"")
    with app.app_context():
        assert tasks.run_task("backup", NOW) == {"started": 1}
        schedule.last_thread.join(timeout=60)
        head = "+".join(migration_script().get_heads())
        # The old one went: past the newest one, which is all DOORSTEP_BACKUP_KEEP keeps.
        assert [(b.taken_at, b.revision) for b in list_backups(backups)] == [(NOW, head)]
        assert tasks.run_task("backup", NOW + timedelta(hours=23)) == {}
        taken = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "backup.taken")
        ).one()
        assert taken.actor_label == "worker:backup"
        assert taken.changes["pruned"] == [archive_name(NOW - timedelta(hours=30), "0019_old")]
        db.session.remove()
        db.engine.dispose()


def test_scheduled_backups_are_off_by_default(app, db_session, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DOORSTEP_BACKUP_DIR", str(tmp_path))
    assert app.config["DOORSTEP_BACKUP_EVERY_HOURS"] == 0
    assert tasks.run_task("backup", NOW) == {}
    assert list(tmp_path.iterdir()) == []

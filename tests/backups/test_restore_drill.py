"""The restore drill: phones sync, a backup is taken, more phones sync, the database is
destroyed and restored. Every knock acknowledged before the backup is there exactly once;
the restored database has a new epoch, so the phones send again what they synced since
(an hour before) the backup: what came after is applied, what came before is a duplicate;
nothing is lost and nothing is doubled."""

from __future__ import annotations

import tarfile
from datetime import UTC, datetime

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.backups import postgres
from app.backups.archive import write_archive
from app.backups.postgres import read_contents
from app.extensions import db
from tests.backups.conftest import UPLOAD, Campaign, app_on, run_cli, totals
from tests.conftest import _admin_url, _run_admin


def destroy(campaign: Campaign, database_url: str) -> None:
    """Drop the database and make an empty one of the same name (from the test database's
    connection, as make_database does); the uploads are gone too."""
    with campaign.app.app_context():
        db.engine.dispose()
    name = _admin_url(campaign.url).database
    _run_admin(
        _admin_url(database_url),
        f'DROP DATABASE "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"',
    )
    (campaign.tmp / "uploads" / UPLOAD).unlink()


def test_the_restore_drill(campaign, database_url):
    """Drops and restores a database of its own: about 0.6 s, after the campaign (1 s, once per
    module: the town, its cut, two phones' syncs and the backup)."""
    destroy(campaign, database_url)
    output = run_cli(campaign.app, "restore", str(campaign.archive))
    assert "every file's sha256 matches its manifest" in output
    assert "the database was empty" in output
    assert "restored 1 uploads" in output
    assert "the phones send again what they synced since" in output
    assert (campaign.tmp / "uploads" / UPLOAD).read_bytes().startswith(b"ID Number")

    restored = totals(campaign.app)
    before, after = campaign.uuids(campaign.before), campaign.uuids(campaign.after)
    assert {uuid: restored.get(uuid) for uuid in before} == dict.fromkeys(before, 1)
    assert not any(uuid in restored for uuid in after)

    # Each phone asks the server's epoch before it syncs: a new one, so what it synced since
    # an hour before the backup goes back in its outbox (here: all, the drill takes seconds),
    # and the server applies each record once.
    client = campaign.app.test_client()
    epochs = {phone.epoch for phone in campaign.phones}
    for phone, old, new in zip(campaign.phones, campaign.before, campaign.after, strict=True):
        again = sorted(phone.check_epoch(client), key=lambda record: record["client_at"])
        assert phone.epoch not in epochs
        assert [record["uuid"] for record in again] == [record["uuid"] for record in old + new]
        assert phone.sync(client, again) == ["duplicate"] * 3 + ["applied"] * 3
        assert phone.check_epoch(client) == []  # once
    assert totals(campaign.app) == campaign.totals
    assert all(totals(campaign.app)[uuid] == 1 for uuid in before | after)

    with campaign.app.app_context():
        trail = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.action.like("backup.%"))
        ).all()
        db.session.remove()
    assert trail == ["backup.restored"]  # "taken" was written after its own dump


def test_a_database_that_holds_data_is_refused_unless_forced(campaign, make_database, tmp_path):
    """Two restores into a second database (the refused one costs nothing): about 0.5 s."""
    other = app_on(make_database("doorstep_backups_full"), tmp_path)
    output = run_cli(other, "restore", str(campaign.archive), exit_code=1)
    assert "the database is not empty" in output and "migrated to" in output
    assert "--force" in output
    with other.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM door_knocks")) == 0
        db.session.remove()

    output = run_cli(other, "restore", "--force", str(campaign.archive))
    assert "dropped what the database held" in output
    assert totals(other)["knocks"] == len(campaign.uuids(campaign.before))
    with other.app_context():
        db.engine.dispose()


def test_a_restore_that_fails_changes_nothing(campaign, make_database, tmp_path, monkeypatch):
    """A forced restore while another session still reads a table (a web server left running)
    gives up after the lock timeout, and the database keeps what it held. About 0.5 s."""
    monkeypatch.setattr(postgres, "LOCK_TIMEOUT", "200ms")
    other = app_on(make_database("doorstep_backups_busy"), tmp_path)
    with other.app_context():
        held = db.engine.connect()
        held.execute(sa.text("SELECT count(*) FROM people"))  # holds the table till rollback
        output = run_cli(other, "restore", "--force", str(campaign.archive), exit_code=1)
        held.rollback()
        held.close()
        assert "the restore failed and was rolled back" in output
        assert "lock timeout" in output
        assert db.session.scalar(sa.text("SELECT count(*) FROM alembic_version")) == 1
        assert db.session.scalar(sa.text("SELECT count(*) FROM door_knocks")) == 0
        db.session.remove()
        db.engine.dispose()


def test_a_damaged_archive_is_refused_before_anything_changes(
    campaign, make_empty_database, tmp_path
):
    damaged = tmp_path / campaign.archive.name
    data = bytearray(campaign.archive.read_bytes())
    data[2048] ^= 0xFF  # a byte of the dump (the first member, after its 512-byte headers)
    damaged.write_bytes(bytes(data))
    other = app_on(make_empty_database("doorstep_backups_damaged"), tmp_path)
    output = run_cli(other, "restore", str(damaged), exit_code=1)
    assert "is damaged: database.dump has sha256" in output
    with other.app_context():
        assert read_contents(other.config["SQLALCHEMY_DATABASE_URI"]).is_empty
        db.engine.dispose()


def test_an_archive_from_a_newer_release_is_refused(campaign, tmp_path):
    with tarfile.open(campaign.archive) as tar:
        tar.extract("database.dump", tmp_path, filter="data")
    newer = write_archive(
        tmp_path / "doorstep-20300101T000000Z-0099_future.tar",
        created_at=datetime(2030, 1, 1, tzinfo=UTC),
        revision="0099_future",
        dump=tmp_path / "database.dump",
        uploads=[],
    )
    assert newer.revision == "0099_future"
    output = run_cli(
        campaign.app,
        "restore",
        str(tmp_path / "doorstep-20300101T000000Z-0099_future.tar"),
        exit_code=1,
    )
    assert "the archive's migration 0099_future is not one of this release's" in output

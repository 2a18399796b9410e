"""The database's epoch: a new one at each restore, and what a phone that knew another must
send again (each test's epochs are rolled back)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.backups.models import DatabaseEpoch
from app.backups.operations import begin_epoch
from app.backups.queries import RESEND_MARGIN, check_epoch, current_epoch
from app.cli import cli
from app.extensions import db
from tests.factories import auth_headers, create_organization, create_user

T1 = datetime(2026, 12, 5, 23, 0, tzinfo=UTC)
T2 = datetime(2026, 12, 6, 11, 0, tzinfo=UTC)


@pytest.fixture
def first(db_session) -> uuid.UUID:
    """The epoch the migration made (every test database is a copy of the same template)."""
    return current_epoch()


def test_a_phone_that_knows_the_current_epoch_sends_nothing_again(first):
    check = check_epoch(first)
    assert (check.epoch, check.resend, check.resend_since) == (first, False, None)


def test_a_new_phone_of_a_database_never_restored_sends_nothing_again(first):
    assert check_epoch(None).resend is False


def test_an_epoch_the_database_never_had_means_everything(first):
    """Another database (or one restored from an archive older than the epochs)."""
    check = check_epoch(uuid.uuid4())
    assert (check.epoch, check.resend, check.resend_since) == (first, True, None)


def test_after_a_restore_phones_send_again_what_came_after_the_backup(first):
    restored = begin_epoch(T1, archive="doorstep-20261205T230000Z-0026_restore_epoch.tar")
    assert current_epoch() == restored != first
    since = T1 - RESEND_MARGIN
    assert check_epoch(first) == check_epoch(None) == check_epoch(uuid.uuid4())
    assert (check_epoch(first).resend, check_epoch(first).resend_since) == (True, since)
    assert check_epoch(restored).resend is False


def test_two_restores_while_a_phone_was_away(first):
    """It re-sends from the first backup's time: the second backup was taken in the first
    restored life, which never had what the phone synced after the first backup."""
    second = begin_epoch(T1, archive=None)
    third = begin_epoch(T2, archive=None)
    assert check_epoch(first).resend_since == T1 - RESEND_MARGIN
    assert check_epoch(second).resend_since == T2 - RESEND_MARGIN
    assert check_epoch(third).resend is False
    # An epoch of a life a restore abandoned: since the earliest restore this one descends from.
    assert check_epoch(uuid.uuid4()).resend_since == T1 - RESEND_MARGIN


def test_the_phones_ask_the_epoch(client, first):
    org = create_organization()
    phone = auth_headers(create_user(org, Role.CANVASSER))
    response = client.get(f"/api/v1/canvass/epoch?known={first}", headers=phone)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["epoch"], body["resend"], body["resend_since"]) == (str(first), False, None)
    assert body["server_time"]

    restored = begin_epoch(T1, archive=None)
    body = client.get(f"/api/v1/canvass/epoch?known={first}", headers=phone).get_json()
    assert body["epoch"] == str(restored) and body["resend"] is True
    assert datetime.fromisoformat(body["resend_since"]) == T1 - RESEND_MARGIN
    assert client.get("/api/v1/canvass/epoch", headers=phone).get_json()["resend"] is True

    response = client.get("/api/v1/canvass/epoch?known=yesterday", headers=phone)
    assert response.status_code == 422
    assert "known" in response.get_json()["error"]["fields"]


def test_mark_restored_after_a_point_in_time_recovery(runner, first):
    result = runner.invoke(cli, ["mark-restored", "2026-12-05T22:59Z"])
    assert result.exit_code == 0, result.output
    assert "the phones send again what they synced since 2026-12-05 21:59 UTC" in result.output
    marked = current_epoch()
    assert marked != first
    row = db.session.scalar(sa.select(DatabaseEpoch).filter_by(epoch=marked))
    assert row.restored_from == datetime(2026, 12, 5, 22, 59, tzinfo=UTC)
    assert row.archive is None
    audit = db.session.scalar(sa.select(AuditEvent).filter_by(action="backup.marked_restored"))
    assert audit.entity_id == str(marked)


@pytest.mark.parametrize(
    ("when", "says"),
    [
        ("2026-12-05 22:59", "has no offset"),
        ("last night", "is not an ISO time"),
        ("tomorrow", "is in the future"),
    ],
)
def test_mark_restored_refuses_a_time_it_cannot_trust(runner, first, when, says):
    if when == "tomorrow":
        when = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    result = runner.invoke(cli, ["mark-restored", when])
    assert result.exit_code != 0
    assert says in result.output
    assert current_epoch() == first

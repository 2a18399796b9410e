"""The worker's sign-in clean-up deletes what nothing reads any more, and nothing else."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.auth.cleanup import delete_old_sign_in_records
from app.auth.models import FormSubmission, LoginAttempt, RefreshToken, RevokedAccessToken
from app.core.tasks import PERIODIC_TASKS, run_task
from app.extensions import db
from tests.factories import create_user

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)


def _rows(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_old_attempts_and_expired_tokens_go_the_rest_stays(db_session):
    user = create_user()
    old, recent = NOW - timedelta(days=31), NOW - timedelta(days=29)
    db.session.add_all(
        [
            LoginAttempt(email="a@example.org", ip="10.0.0.1", succeeded=False, attempted_at=old),
            LoginAttempt(email="a@example.org", ip="10.0.0.1", succeeded=True, attempted_at=recent),
            FormSubmission(form="rsvp", ip="10.0.0.2", submitted_at=old),
            FormSubmission(form="rsvp", ip="10.0.0.2", submitted_at=recent),
        ]
    )
    expired, live = NOW - timedelta(seconds=1), NOW + timedelta(days=1)
    for expires_at, revoked_at in ((expired, None), (live, NOW)):
        token = RefreshToken(jti=uuid.uuid4(), family_id=uuid.uuid4(), user_id=user.id,
                             expires_at=expires_at, revoked_at=revoked_at)  # fmt: skip
        db.session.add(token)
        db.session.add(RevokedAccessToken(jti=uuid.uuid4(), user_id=user.id, expires_at=expires_at))
    db.session.flush()
    before = {m: _rows(m) for m in (LoginAttempt, FormSubmission, RefreshToken, RevokedAccessToken)}

    counts = delete_old_sign_in_records(NOW)

    assert counts == {
        "login_attempts": 1,
        "form_submissions": 1,
        "refresh_tokens": 1,
        "revoked_access_tokens": 1,
    }
    for model, n in before.items():
        assert _rows(model) == n - 1
    # Kept: the recent attempt; the revoked token not yet expired (it still refuses its JWT).
    assert db.session.scalar(select(LoginAttempt.attempted_at)) == recent
    assert db.session.scalar(select(RefreshToken.revoked_at)) == NOW


def test_the_worker_runs_it_and_commits(db_session):
    assert PERIODIC_TASKS["sign-in-cleanup"].run is delete_old_sign_in_records
    attempt = LoginAttempt(email="b@example.org", ip=None, succeeded=False,
                           attempted_at=NOW - timedelta(days=40))  # fmt: skip
    db.session.add(attempt)
    db.session.flush()
    assert run_task("sign-in-cleanup", NOW)["login_attempts"] >= 1
    assert db.session.scalar(select(func.count()).where(LoginAttempt.email == "b@example.org")) == 0

"""The worker's clean-up of sign-in records nothing reads any more.

Throttling reads attempts and form submissions inside its windows (minutes); they are kept
30 days for looking into an attack, then deleted. A refresh token past its expiry cannot be
used whatever its row says, nor can a revoked access token past its own: their rows go.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from app.auth.models import FormSubmission, LoginAttempt, RefreshToken, RevokedAccessToken
from app.core.tasks import periodic_task
from app.extensions import db

#: Longer than any throttling window (DOORSTEP_LOGIN_WINDOW_MINUTES, the forms', the door code's).
SIGN_IN_RECORDS_KEPT = timedelta(days=30)


@periodic_task("sign-in-cleanup", every=timedelta(hours=1))
def delete_old_sign_in_records(now: datetime) -> dict[str, int]:
    """Delete old attempts and submissions, expired refresh tokens and the revocations of
    expired access tokens; returns how many rows of each went."""
    before = now - SIGN_IN_RECORDS_KEPT
    statements = {
        "login_attempts": delete(LoginAttempt).where(LoginAttempt.attempted_at < before),
        "form_submissions": delete(FormSubmission).where(FormSubmission.submitted_at < before),
        "refresh_tokens": delete(RefreshToken).where(RefreshToken.expires_at < now),
        "revoked_access_tokens": delete(RevokedAccessToken).where(
            RevokedAccessToken.expires_at < now
        ),
    }
    return {name: db.session.execute(statement).rowcount for name, statement in statements.items()}

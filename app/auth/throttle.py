"""Login throttling: too many failures for one account, or from one address, wait a while."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.auth.models import LoginAttempt
from app.core.errors import TooManyRequests
from app.extensions import db


def _retry_after(failures: list[datetime], limit: int, window: timedelta, now: datetime) -> int:
    """Seconds until fewer than ``limit`` failures remain inside the window (0: allowed)."""
    if len(failures) < limit:
        return 0
    oldest_that_counts = sorted(failures, reverse=True)[limit - 1]
    return max(1, math.ceil((oldest_that_counts + window - now).total_seconds()))


def check_login_allowed(email: str, ip: str | None, now: datetime | None = None) -> None:
    """Raise TooManyRequests (with Retry-After) when the account or the address is locked."""
    now = now or datetime.now(UTC)
    config = current_app.config
    window = timedelta(minutes=config["DOORSTEP_LOGIN_WINDOW_MINUTES"])
    account_limit = config["DOORSTEP_LOGIN_MAX_FAILURES_ACCOUNT"]
    ip_limit = config["DOORSTEP_LOGIN_MAX_FAILURES_IP"]

    # A success clears the account's count; an address's count is cleared only by time.
    last_success = db.session.scalar(
        select(LoginAttempt.attempted_at)
        .where(LoginAttempt.email == email, LoginAttempt.succeeded)
        .order_by(LoginAttempt.attempted_at.desc())
        .limit(1)
    )
    since = max(now - window, last_success) if last_success else now - window
    account_failures = db.session.scalars(
        select(LoginAttempt.attempted_at)
        .where(
            LoginAttempt.email == email,
            ~LoginAttempt.succeeded,
            LoginAttempt.attempted_at > since,
        )
        .order_by(LoginAttempt.attempted_at.desc())
        .limit(account_limit)
    ).all()
    wait = _retry_after(list(account_failures), account_limit, window, now)
    if ip is not None:
        ip_failures = db.session.scalars(
            select(LoginAttempt.attempted_at)
            .where(LoginAttempt.ip == ip, ~LoginAttempt.succeeded)
            .where(LoginAttempt.attempted_at > now - window)
            .order_by(LoginAttempt.attempted_at.desc())
            .limit(ip_limit)
        ).all()
        wait = max(wait, _retry_after(list(ip_failures), ip_limit, window, now))
    if wait:
        minutes = math.ceil(wait / 60)
        raise TooManyRequests(
            f"Too many failed sign-ins; try again in {minutes} minute{'s' * (minutes != 1)}.",
            code="login_throttled",
            retry_after=wait,
        )


def record_login_attempt(email: str, ip: str | None, *, succeeded: bool) -> None:
    db.session.add(
        LoginAttempt(email=email, ip=ip, succeeded=succeeded, attempted_at=datetime.now(UTC))
    )

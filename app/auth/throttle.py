"""Throttling: too many failed sign-ins for one account from one address, or from one address,
wait a while; so does an address that fills a public form (RSVP, volunteer sign-up) too often."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any

from flask import current_app, request
from sqlalchemy import select

from app.auth.models import FormSubmission, LoginAttempt
from app.core.errors import TooManyRequests
from app.extensions import db


def _retry_after(failures: list[datetime], limit: int, window: timedelta, now: datetime) -> int:
    """Seconds until fewer than ``limit`` failures remain inside the window (0: allowed)."""
    if len(failures) < limit:
        return 0
    oldest_that_counts = sorted(failures, reverse=True)[limit - 1]
    return max(1, math.ceil((oldest_that_counts + window - now).total_seconds()))


def _failures_since(where: list, since: datetime, limit: int) -> list[datetime]:
    return list(
        db.session.scalars(
            select(LoginAttempt.attempted_at)
            .where(*where, ~LoginAttempt.succeeded, LoginAttempt.attempted_at > since)
            .order_by(LoginAttempt.attempted_at.desc())
            .limit(limit)
        ).all()
    )


def check_login_allowed(email: str, ip: str | None, now: datetime | None = None) -> None:
    """Raise TooManyRequests (with Retry-After) when this account is locked *for this address*,
    or the address itself is.

    Failures count per (account, address) and per address: someone guessing a password from
    one address must not lock its owner out everywhere else. Guessing spread over many
    addresses meets a third, higher limit on the account from all addresses together, above
    the per-address one, so no single address can reach it. A wrong current password given to
    POST /auth/password counts as a failed sign-in.
    """
    now = now or datetime.now(UTC)
    config = current_app.config
    window = timedelta(minutes=config["DOORSTEP_LOGIN_WINDOW_MINUTES"])
    pair_limit = config["DOORSTEP_LOGIN_MAX_FAILURES_ACCOUNT"]
    ip_limit = config["DOORSTEP_LOGIN_MAX_FAILURES_IP"]

    same_ip = LoginAttempt.ip.is_(None) if ip is None else LoginAttempt.ip == ip
    pair = [LoginAttempt.email == email, same_ip]
    # A success from this address clears this pair's count; an address's count only by time.
    last_success = db.session.scalar(
        select(LoginAttempt.attempted_at)
        .where(*pair, LoginAttempt.succeeded)
        .order_by(LoginAttempt.attempted_at.desc())
        .limit(1)
    )
    since = max(now - window, last_success) if last_success else now - window
    wait = _retry_after(_failures_since(pair, since, pair_limit), pair_limit, window, now)
    if ip is not None:
        ip_failures = _failures_since([LoginAttempt.ip == ip], now - window, ip_limit)
        wait = max(wait, _retry_after(ip_failures, ip_limit, window, now))
    spread_limit = config["DOORSTEP_LOGIN_MAX_FAILURES_SPREAD"]
    spread = _failures_since([LoginAttempt.email == email], now - window, spread_limit)
    wait = max(wait, _retry_after(spread, spread_limit, window, now))
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


def check_form_allowed(form: str, ip: str | None, now: datetime | None = None) -> None:
    """Raise TooManyRequests (with Retry-After) when ``ip`` filled ``form`` too often."""
    if ip is None:
        return
    now = now or datetime.now(UTC)
    config = current_app.config
    limit = config["DOORSTEP_FORM_MAX_PER_IP"]
    window = timedelta(minutes=config["DOORSTEP_FORM_WINDOW_MINUTES"])
    recent = db.session.scalars(
        select(FormSubmission.submitted_at)
        .where(FormSubmission.ip == ip, FormSubmission.form == form)
        .where(FormSubmission.submitted_at > now - window)
        .order_by(FormSubmission.submitted_at.desc())
        .limit(limit)
    ).all()
    wait = _retry_after(list(recent), limit, window, now)
    if wait:
        raise TooManyRequests(
            "Too many sign-ups from your network; try again in a few minutes.",
            code="rate_limited",
            retry_after=wait,
        )


def throttle_form(form: str) -> Callable:
    """Decorate a public form's view: refused with 429 past the limit; an accepted submission
    counts (a refused one is rolled back with its request and costs nothing stored)."""

    def decorator(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check_form_allowed(form, request.remote_addr)
            if request.remote_addr:
                submission = FormSubmission(
                    form=form, ip=request.remote_addr, submitted_at=datetime.now(UTC)
                )
                db.session.add(submission)
            return func(*args, **kwargs)

        return wrapper

    return decorator

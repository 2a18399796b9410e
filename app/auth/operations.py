"""Sign-in verbs: log in, refresh, log out, change password. They flush; the caller commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.passwords import (
    burn_verification_time,
    check_password_policy,
    hash_password,
    verify_password,
)
from app.audit.context import set_actor
from app.audit.operations import record_audit
from app.auth.throttle import check_login_allowed, record_login_attempt
from app.auth.tokens import (
    TokenPair,
    issue_tokens,
    revoke_access_token,
    revoke_family,
    revoke_user_refresh_tokens,
    rotate_refresh_token,
)
from app.core.contact import normalise_email
from app.core.errors import NotAuthenticated, ValidationError
from app.extensions import db


class LoginFailed(NotAuthenticated):
    code = "invalid_credentials"
    message = "The email or password is wrong."
    keeps_transaction = True  # the failed attempt must count towards throttling


@dataclass
class Session:
    user: User
    tokens: TokenPair


def login(email: str, password: str, *, ip: str | None) -> Session:
    email = normalise_email(email)
    check_login_allowed(email, ip)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        burn_verification_time(password)
    ok = user is not None and user.is_active and verify_password(user.password_hash, password)
    record_login_attempt(email, ip, succeeded=ok)
    if not ok:
        if user is not None:
            record_audit("auth.login_failed", entity=user, changes={"email": email})
        raise LoginFailed()
    return login_new_user(user)


def login_new_user(user: User) -> Session:
    """Start a session for a user whose identity is already proven."""
    set_actor(user_id=user.id, label=user.email, organization_id=user.organization_id)
    user.last_login_at = datetime.now(UTC)
    record_audit("auth.login", entity=user)
    tokens = issue_tokens(user)
    db.session.flush()
    return Session(user=user, tokens=tokens)


def refresh_session(user: User, refresh_jti: str) -> Session:
    tokens = rotate_refresh_token(user, refresh_jti)
    db.session.flush()
    return Session(user=user, tokens=tokens)


def logout(user: User, claims: dict) -> None:
    """End this sign-in: the access token and every refresh token of its family."""
    revoke_access_token(user.id, claims["jti"], datetime.fromtimestamp(claims["exp"], UTC))
    if claims.get("fam"):
        revoke_family(uuid.UUID(claims["fam"]))
    record_audit("auth.logout", entity=user)
    db.session.flush()


def logout_everywhere(user: User, *, reason: str = "logout_everywhere") -> None:
    """End every sign-in of ``user`` on every device."""
    user.invalidate_tokens()
    revoke_user_refresh_tokens(user.id)
    record_audit("auth.logout_everywhere", entity=user, changes={"reason": reason})
    db.session.flush()


class WrongCurrentPassword(ValidationError):
    code = "wrong_password"
    message = "The current password is wrong."
    keeps_transaction = True  # the failed attempt must count towards throttling


def change_password(
    user: User, current_password: str, new_password: str, *, ip: str | None
) -> Session:
    """Set a new password, end every other sign-in, and start a fresh one here.

    A wrong current password is a failed sign-in from ``ip``: a stolen access token cannot be
    used to guess the password any faster than the sign-in form allows."""
    check_login_allowed(user.email, ip)
    if not verify_password(user.password_hash, current_password):
        record_login_attempt(user.email, ip, succeeded=False)
        raise WrongCurrentPassword(
            fields={"current_password": ["The current password is wrong."]},
        )
    check_password_policy(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    user.invalidate_tokens()
    revoke_user_refresh_tokens(user.id)
    record_audit("auth.password_change", entity=user, changes={"password_hash": "changed"})
    db.session.flush()
    return Session(user=user, tokens=issue_tokens(user))

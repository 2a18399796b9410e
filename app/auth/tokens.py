"""JWT access and refresh tokens: issue, rotate, revoke, and the checks on every request.

Access tokens are short-lived and carry the user id, organisation, token version and the
refresh family they came from. Refresh tokens are long-lived (a canvasser's phone stays signed
in for weeks), recorded in ``refresh_tokens`` and rotated on every use. A rotated token presented
again after the grace period means it was stolen: the whole family is revoked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_jwt_extended import JWTManager, create_access_token, create_refresh_token
from sqlalchemy import select, update

from app.accounts.models import User
from app.auth.models import RefreshToken, RevokedAccessToken
from app.core.errors import NotAuthenticated, error_response
from app.core.signals import user_deactivated
from app.extensions import db


class TokenReused(NotAuthenticated):
    code = "token_reused"
    message = "This sign-in was ended for safety; sign in again."
    keeps_transaction = True  # the family revocation must stick


@dataclass
class TokenPair:
    access_token: str
    refresh_token: str
    access_expires_in: int
    refresh_expires_at: datetime


def issue_tokens(user: User, family_id: uuid.UUID | None = None) -> TokenPair:
    """Issue an access/refresh pair; ``family_id`` continues an existing sign-in."""
    return sign_pair(user, _record_refresh_token(user, family_id))


def _record_refresh_token(user: User, family_id: uuid.UUID | None) -> RefreshToken:
    now = datetime.now(UTC).replace(microsecond=0)  # JWT times are whole seconds
    refresh_ttl: timedelta = current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
    token = RefreshToken(
        jti=uuid.uuid4(),
        access_jti=uuid.uuid4(),
        family_id=family_id or uuid.uuid4(),
        user_id=user.id,
        created_at=now,
        expires_at=now + refresh_ttl,
    )
    db.session.add(token)
    return token


def sign_pair(user: User, token: RefreshToken) -> TokenPair:
    """The pair issued with ``token``, signed from what is stored: the same input signs the
    same tokens again (HS256 is deterministic), so no token itself is ever stored."""
    access_ttl: timedelta = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    issued_at = token.created_at
    claims = {"org": user.organization_id, "ver": user.token_version, "fam": str(token.family_id)}
    times = {"iat": issued_at, "nbf": issued_at}
    return TokenPair(
        access_token=create_access_token(
            identity=str(user.id),
            additional_claims={
                **claims,
                **times,
                "jti": str(token.access_jti),
                "csrf": str(token.access_jti),  # unused (no cookies); random unless given
                "exp": issued_at + access_ttl,
            },
        ),
        refresh_token=create_refresh_token(
            identity=str(user.id),
            additional_claims={
                **claims,
                **times,
                "jti": str(token.jti),
                "csrf": str(token.jti),
                "exp": token.expires_at,
            },
        ),
        access_expires_in=int(access_ttl.total_seconds()),
        refresh_expires_at=token.expires_at,
    )


def rotate_refresh_token(user: User, jti: str) -> TokenPair:
    """Exchange a refresh token for a new pair, detecting reuse of a rotated token."""
    now = datetime.now(UTC)
    token = db.session.get(RefreshToken, uuid.UUID(jti), with_for_update=True)
    if token is None or token.revoked_at is not None:
        raise NotAuthenticated("This sign-in has ended; sign in again.", code="token_revoked")
    if token.rotated_at is not None:
        grace = timedelta(seconds=current_app.config["DOORSTEP_REFRESH_REUSE_SECONDS"])
        if now - token.rotated_at > grace:
            revoke_family(token.family_id, now)
            raise TokenReused()
        # Within the grace period the phone most likely lost our answer: give the same one
        # again, so that it never holds two live pairs of one sign-in.
        successor = token.replaced_by_jti and db.session.get(RefreshToken, token.replaced_by_jti)
        if successor is not None and successor.access_jti is not None:
            return sign_pair(user, successor)
        return issue_tokens(user, family_id=token.family_id)  # rotated before answers were kept
    token.rotated_at = now
    successor = _record_refresh_token(user, token.family_id)
    token.replaced_by_jti = successor.jti
    return sign_pair(user, successor)


def revoke_family(family_id: uuid.UUID, now: datetime | None = None) -> None:
    db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now or datetime.now(UTC))
    )


@user_deactivated.connect
def revoke_user_refresh_tokens(user_id: int) -> None:
    db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


def revoke_access_token(user_id: int, jti: str, expires_at: datetime) -> None:
    if db.session.get(RevokedAccessToken, uuid.UUID(jti)) is None:
        db.session.add(
            RevokedAccessToken(jti=uuid.UUID(jti), user_id=user_id, expires_at=expires_at)
        )


class TokenInvalid(NotAuthenticated):
    code = "token_invalid"
    message = "The token is not valid."


def _uuid_claim(payload: dict, name: str, *, required: bool) -> uuid.UUID | None:
    value = payload.get(name)
    if value is None and not required:
        return None
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        raise TokenInvalid() from None


def _is_revoked(_header: dict, payload: dict) -> bool:
    # The first check on every token after its signature: a token lacking the claims Doorstep
    # puts in (an id, its sign-in) is refused here as invalid, before any code reads them.
    jti = _uuid_claim(payload, "jti", required=True)
    family_id = _uuid_claim(payload, "fam", required=False)
    if payload.get("type") == "refresh":
        token = db.session.get(RefreshToken, jti)
        return token is None or token.revoked_at is not None
    if family_id is not None and is_family_ended(family_id):
        return True  # log out, or a stolen refresh token reused: every access token stops
    return (
        db.session.scalar(select(RevokedAccessToken.jti).where(RevokedAccessToken.jti == jti))
        is not None
    )


def is_family_ended(family_id: uuid.UUID) -> bool:
    """A sign-in has ended when none of its refresh tokens is left unrevoked."""
    live = select(RefreshToken.jti).where(
        RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None)
    )
    return not db.session.scalar(select(live.exists()))


def _load_user(_header: dict, payload: dict) -> User | None:
    try:
        user = db.session.get(User, int(payload["sub"]))
    except (KeyError, ValueError):
        return None
    # A disabled user, or tokens from before "log out everywhere", no longer count.
    if user is None or not user.is_active or payload.get("ver") != user.token_version:
        return None
    return user


def _error(status: int, code: str, message: str):
    return error_response(status, code, message)


def init_tokens(jwt: JWTManager) -> None:
    jwt.token_in_blocklist_loader(_is_revoked)
    jwt.user_lookup_loader(_load_user)
    jwt.user_lookup_error_loader(
        lambda _h, _p: _error(401, "token_revoked", "This sign-in has ended; sign in again.")
    )
    jwt.revoked_token_loader(
        lambda _h, _p: _error(401, "token_revoked", "This sign-in has ended; sign in again.")
    )
    jwt.expired_token_loader(
        lambda _h, _p: _error(401, "token_expired", "The token has expired; refresh it.")
    )
    jwt.invalid_token_loader(lambda reason: _error(401, "token_invalid", "The token is not valid."))
    jwt.unauthorized_loader(lambda reason: _error(401, "not_authenticated", "Sign in to continue."))
    jwt.needs_fresh_token_loader(
        lambda _h, _p: _error(401, "fresh_token_required", "Sign in again to do this.")
    )

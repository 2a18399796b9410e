"""Verbs on API keys: create (the secret is returned once), revoke, and authenticate a use."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select

from app.apikeys.models import ApiKey, ApiScope
from app.audit.context import set_key_actor
from app.audit.operations import describe_changes, record_audit
from app.core.actor import Actor
from app.core.errors import Conflict, NotAuthenticated, ValidationError
from app.extensions import db

#: Every secret starts with it, so a leaked one is recognisable (secret scanners, logs).
SECRET_PREFIX = "dsk_"  # noqa: S105 - a prefix, not a secret


def hash_secret(secret: str) -> str:
    """SHA-256 of the secret: the secret carries 256 random bits, so no slow hash is needed."""
    return hashlib.sha256(secret.encode()).hexdigest()


def actor_label(key: ApiKey) -> str:
    """How a key is named in the audit log."""
    return f"api-key:{key.name}"


def checked_scopes(scopes: Iterable[str]) -> list[str]:
    known = {scope.value for scope in ApiScope}
    given = list(dict.fromkeys(scopes))
    unknown = [scope for scope in given if scope not in known]
    if unknown or not given:
        allowed = ", ".join(sorted(known))
        raise ValidationError(
            f"Give one or more scopes among: {allowed}.",
            fields={"scopes": [f"Unknown scope {s!r}." for s in unknown] or ["Give a scope."]},
        )
    return sorted(given)


def create_api_key(
    actor: Actor, *, name: str, scopes: Iterable[str], expires_at: datetime | None = None
) -> tuple[ApiKey, str]:
    """A new key and its secret (shown once: only its hash is stored)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Name the key.", fields={"name": ["Name the key."]})
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise ValidationError(
            "The expiry is in the past.", fields={"expires_at": ["Must be in the future."]}
        )
    taken = db.session.scalar(
        select(ApiKey.id).where(
            ApiKey.organization_id == actor.organization_id,
            ApiKey.name == name,
            ApiKey.revoked_at.is_(None),
        )
    )
    if taken:
        raise Conflict(
            f"A key named {name!r} exists; revoke it or pick another name.",
            fields={"name": ["Taken by an active key."]},
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        organization_id=actor.organization_id,
        name=name,
        prefix=secret[:10],
        key_hash=hash_secret(secret),
        scopes=checked_scopes(scopes),
        created_by_id=actor.user_id,
        expires_at=expires_at,
    )
    db.session.add(key)
    changes = describe_changes(key)
    db.session.flush()
    record_audit("api_key.create", entity=key, changes=changes)
    return key, secret


def revoke_api_key(key: ApiKey) -> ApiKey:
    """Stop the key working from now on (kept, so the audit log still names it)."""
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        record_audit("api_key.revoke", entity=key, changes={"name": key.name})
        db.session.flush()
    return key


def authenticate_api_key(secret: str, *, method: str, path: str) -> ApiKey:
    """The active key whose secret this is, its use recorded (last used, an audit record
    naming it); 401 for anything else. The key becomes the request's actor."""
    key = None
    if secret.startswith(SECRET_PREFIX) and len(secret) < 200:
        key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_secret(secret)))
    now = datetime.now(UTC)
    if key is None or key.status_at(now) != "active":
        raise NotAuthenticated(
            "Send an active API key in the OSDI-API-Token header.", code="invalid_api_key"
        )
    key.last_used_at = now
    set_key_actor(label=actor_label(key), organization_id=key.organization_id)
    record_audit("api_key.use", entity=key, changes={"method": method, "path": path[:300]})
    db.session.flush()
    return key

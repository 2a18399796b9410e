"""Reads of API keys."""

from __future__ import annotations

from sqlalchemy import select

from app.apikeys.models import ApiKey
from app.core.errors import NotFound
from app.extensions import db


def list_api_keys(organization_id: int) -> list[ApiKey]:
    """The campaign's keys, newest first (revoked ones too: the audit log names them)."""
    return list(
        db.session.scalars(
            select(ApiKey)
            .where(ApiKey.organization_id == organization_id)
            .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
            .limit(500)
        )
    )


def get_api_key(organization_id: int, key_id: int) -> ApiKey:
    key = db.session.get(ApiKey, key_id)
    if key is None or key.organization_id != organization_id:
        raise NotFound("No such API key.")
    return key

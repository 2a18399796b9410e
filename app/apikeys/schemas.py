"""What goes in and out of the API keys endpoints."""

from __future__ import annotations

from datetime import UTC, datetime

import marshmallow as ma

from app.apikeys.models import ApiScope
from app.core.schemas import StrictSchema


class ApiKeySchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    prefix = ma.fields.String(metadata={"description": "The secret's first characters"})
    scopes = ma.fields.List(ma.fields.String())
    status = ma.fields.Method("_status", metadata={"description": "active, expired or revoked"})
    created_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime(allow_none=True)
    revoked_at = ma.fields.DateTime(allow_none=True)
    last_used_at = ma.fields.DateTime(allow_none=True)

    def _status(self, key) -> str:
        return key.status_at(datetime.now(UTC))


class ApiKeyCreatedSchema(ApiKeySchema):
    key = ma.fields.String(metadata={"description": "The secret, shown this once only"})


class ApiKeyCreateSchema(StrictSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    scopes = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf([s.value for s in ApiScope])),
        required=True,
        validate=ma.validate.Length(min=1, max=len(ApiScope)),
    )
    expires_at = ma.fields.AwareDateTime(load_default=None, allow_none=True)

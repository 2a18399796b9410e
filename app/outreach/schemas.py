"""Push subscriptions in and out."""

from __future__ import annotations

import marshmallow as ma

from app.core.schemas import StrictSchema

B64URL = ma.validate.Regexp(r"^[A-Za-z0-9_-]+={0,2}$", error="Expected base64url.")


class PushKeysSchema(StrictSchema):
    p256dh = ma.fields.String(required=True, validate=[ma.validate.Length(min=80, max=200), B64URL])
    auth = ma.fields.String(required=True, validate=[ma.validate.Length(min=16, max=100), B64URL])


class PushSubscriptionInSchema(StrictSchema):
    """What the browser's ``PushSubscription.toJSON()`` gives (``expirationTime`` ignored: the
    one input schema that drops unknown fields, as browsers add to that object)."""

    class Meta:
        unknown = ma.EXCLUDE

    endpoint = ma.fields.URL(required=True, schemes={"https", "http"}, require_tld=False,
                             validate=ma.validate.Length(max=2000))  # fmt: skip
    keys = ma.fields.Nested(PushKeysSchema, required=True)


class PushSubscriptionSchema(ma.Schema):
    id = ma.fields.Integer()
    endpoint = ma.fields.String()
    user_agent = ma.fields.String()
    created_at = ma.fields.DateTime()
    last_sent_at = ma.fields.DateTime(allow_none=True)


class PushKeySchema(ma.Schema):
    enabled = ma.fields.Boolean(metadata={"description": "false: the server has no VAPID key"})
    public_key = ma.fields.String(
        allow_none=True, metadata={"description": "the applicationServerKey, base64url"}
    )

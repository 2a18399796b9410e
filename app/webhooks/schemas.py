"""Webhook subscriptions, deliveries and attempts in and out."""

from __future__ import annotations

import marshmallow as ma

from app.core.pagination import PageArgsSchema
from app.core.schemas import StrictSchema
from app.webhooks.models import DeliveryStatus, SubscriptionStatus
from app.webhooks.outbox import EVENT_TYPES
from app.webhooks.targets import MAX_URL_LENGTH

_TYPES = ma.fields.List(
    ma.fields.String(validate=ma.validate.OneOf(sorted(EVENT_TYPES))),
    validate=ma.validate.Length(min=1, max=len(EVENT_TYPES)),
)
_NAME = ma.validate.Length(min=1, max=120)
_URL = ma.validate.Length(min=1, max=MAX_URL_LENGTH)

WebhookSubscriptionInSchema = StrictSchema.from_dict(
    {
        "name": ma.fields.String(required=True, validate=_NAME),
        "url": ma.fields.String(required=True, validate=_URL),
        "event_types": ma.fields.List(
            ma.fields.String(validate=ma.validate.OneOf(sorted(EVENT_TYPES))),
            required=True,
            validate=ma.validate.Length(min=1, max=len(EVENT_TYPES)),
        ),
    },
    name="WebhookSubscriptionInSchema",
)
WebhookSubscriptionPatchSchema = StrictSchema.from_dict(
    {
        "name": ma.fields.String(validate=_NAME),
        "url": ma.fields.String(validate=_URL),
        "event_types": _TYPES,
        "status": ma.fields.Enum(SubscriptionStatus, by_value=True),
    },
    name="WebhookSubscriptionPatchSchema",
)


class WebhookSubscriptionSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    url = ma.fields.String()
    event_types = ma.fields.List(ma.fields.String())
    status = ma.fields.Enum(SubscriptionStatus, by_value=True)
    paused_at = ma.fields.DateTime(allow_none=True)
    paused_reason = ma.fields.String(allow_none=True)
    last_success_at = ma.fields.DateTime(allow_none=True)
    last_failure_at = ma.fields.DateTime(allow_none=True)
    secret_hint = ma.fields.String(metadata={"description": "The secret's last 4 characters"})
    waiting = ma.fields.Integer(metadata={"description": "Deliveries not yet made"})
    created_at = ma.fields.DateTime()


class WebhookSubscriptionCreatedSchema(WebhookSubscriptionSchema):
    secret = ma.fields.String(metadata={"description": "Shown once: keep it to check signatures"})


class WebhookEventTypeSchema(ma.Schema):
    type = ma.fields.String()
    description = ma.fields.String()


class WebhookAttemptSchema(ma.Schema):
    attempted_at = ma.fields.DateTime()
    duration_ms = ma.fields.Integer()
    ok = ma.fields.Boolean()
    status_code = ma.fields.Integer(allow_none=True)
    response_body = ma.fields.String()
    error = ma.fields.String(allow_none=True)


class WebhookDeliverySchema(ma.Schema):
    id = ma.fields.Integer()
    event_id = ma.fields.UUID()
    event_type = ma.fields.String()
    status = ma.fields.Enum(DeliveryStatus, by_value=True)
    attempts = ma.fields.Integer()
    next_attempt_at = ma.fields.DateTime()
    give_up_at = ma.fields.DateTime()
    delivered_at = ma.fields.DateTime(allow_none=True)
    last_status_code = ma.fields.Integer(allow_none=True)
    last_error = ma.fields.String(allow_none=True)
    attempt_log = ma.fields.List(ma.fields.Nested(WebhookAttemptSchema), data_key="attempt_log")


class WebhookDeliveryArgsSchema(PageArgsSchema):
    status = ma.fields.Enum(DeliveryStatus, by_value=True)


class WebhookTestSchema(ma.Schema):
    event_id = ma.fields.UUID()
    type = ma.fields.String()

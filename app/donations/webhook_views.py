"""ActBlue's webhook (public, HTTP Basic per campaign) and the endpoint that sets its
credentials."""

from __future__ import annotations

import json

import marshmallow as ma
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from app.accounts.models import Organization
from app.auth.access import current_actor, public, require
from app.auth.permissions import Permission
from app.core.actor import Actor
from app.core.errors import DoorstepError, NotFound, ValidationError
from app.core.schemas import StrictSchema
from app.donations.actblue import PROCESSOR, actblue_source, webhook_gifts
from app.donations.income import (
    WebhookUnauthorized,
    check_webhook_credentials,
    record_gift,
    set_webhook_credentials,
    webhook_configured,
)
from app.donations.sources import RowProblem
from app.extensions import db

blp = Blueprint("donation_webhooks", __name__, url_prefix="/api/v1", description="Processors")

#: ActBlue's notifications are a few KB; anything much larger is not one.
MAX_WEBHOOK_BYTES = 256 * 1024


class WebhookCredentialsSchema(StrictSchema):
    username = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    password = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(min=20, max=200),
        metadata={"description": "Left out: one is made and returned, once"},
    )


class WebhookCredentialsOutSchema(ma.Schema):
    processor = ma.fields.String()
    username = ma.fields.String()
    password = ma.fields.String(metadata={"description": "Shown once; only its hash is kept"})
    url = ma.fields.String()


class WebhookResultSchema(ma.Schema):
    received = ma.fields.Integer(metadata={"description": "Line items for this committee"})
    recorded = ma.fields.Integer(metadata={"description": "New gifts and refunds recorded"})
    donation_ids = ma.fields.List(ma.fields.Integer())


@blp.route("/donations/webhooks/actblue")
class ActBlueCredentialsView(MethodView):
    @require(Permission.COMPLIANCE_MANAGE)
    @blp.arguments(WebhookCredentialsSchema)
    @blp.response(200, WebhookCredentialsOutSchema)
    def put(self, fields):
        """Set the username and password ActBlue's webhook posts with (HTTP Basic)."""
        actor = current_actor()
        webhook, password = set_webhook_credentials(
            actor, PROCESSOR, fields["username"], fields.get("password")
        )
        slug = db.session.get(Organization, actor.organization_id).slug
        return {
            "processor": PROCESSOR,
            "username": webhook.username,
            "password": password,
            "url": f"/api/v1/webhooks/actblue/{slug}",
        }


@blp.route("/webhooks/actblue/<slug>", methods=["POST"])
@public
@blp.response(200, WebhookResultSchema)
@blp.alt_response(401, description="Wrong or missing credentials (webhook_unauthorized)")
def actblue_webhook(slug):
    """ActBlue's notification of a contribution or a refund (JSON with donor, contribution,
    lineitems), with the campaign's HTTP Basic credentials. A re-delivered line item
    changes nothing and is answered 200."""
    organization_id = db.session.scalar(select(Organization.id).where(Organization.slug == slug))
    if organization_id is None or not webhook_configured(organization_id, PROCESSOR):
        raise NotFound("No ActBlue webhook is set up here.", code="webhook_not_configured")
    auth = request.authorization
    if auth is None or auth.type != "basic":
        raise WebhookUnauthorized()
    check_webhook_credentials(organization_id, PROCESSOR, auth.username, auth.password)
    if (request.content_length or 0) > MAX_WEBHOOK_BYTES:
        raise _TooLarge()
    body = request.get_data(cache=False)[: MAX_WEBHOOK_BYTES + 1]
    if len(body) > MAX_WEBHOOK_BYTES:
        raise _TooLarge()
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ValidationError("The body is not JSON.", code="invalid_json") from None
    actor = Actor.system(organization_id, "webhook:actblue")
    try:
        gifts = webhook_gifts(actblue_source(organization_id), payload)
    except RowProblem as problem:
        raise ValidationError(
            f"{problem.column}: {problem.reason}.",
            code="invalid_notification",
            fields={problem.column: [problem.reason]},
        ) from None
    recorded = [record_gift(actor, gift) for gift in gifts]
    return {
        "received": len(gifts),
        "recorded": sum(int(r.created) + int(r.refund_created) for r in recorded),
        "donation_ids": [r.donation_id for r in recorded],
    }


class _TooLarge(DoorstepError):
    status = 413
    code = "payload_too_large"
    message = f"A notification is at most {MAX_WEBHOOK_BYTES // 1024} KB."

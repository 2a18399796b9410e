"""Webhook subscriptions (admins only): make one (its secret shown once), change, pause,
resume, delete, send a test event, and read its deliveries with every attempt."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth.access import current_actor, current_user, require
from app.auth.permissions import Permission
from app.core.pagination import PageArgsSchema, page_schema
from app.webhooks import operations, queries
from app.webhooks.outbox import EVENT_TYPES
from app.webhooks.schemas import (
    WebhookDeliveryArgsSchema,
    WebhookDeliverySchema,
    WebhookEventTypeSchema,
    WebhookSubscriptionCreatedSchema,
    WebhookSubscriptionInSchema,
    WebhookSubscriptionPatchSchema,
    WebhookSubscriptionSchema,
    WebhookTestSchema,
)

blp = Blueprint(
    "webhooks", __name__, url_prefix="/api/v1/webhook-subscriptions", description="Webhooks out"
)


def _get(webhook_id: int):
    return queries.get_subscription(current_user().organization_id, webhook_id)


@blp.route("")
class SubscriptionsView(MethodView):
    @require(Permission.WEBHOOKS_MANAGE)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(WebhookSubscriptionSchema))
    def get(self, args):
        """The campaign's webhook subscriptions, with how many deliveries wait."""
        return queries.list_subscriptions(current_user().organization_id, args)

    @require(Permission.WEBHOOKS_MANAGE)
    @blp.arguments(WebhookSubscriptionInSchema)
    @blp.response(201, WebhookSubscriptionCreatedSchema)
    def post(self, body):
        """A subscription: https URL, event types. The answer carries the signing secret,
        shown this once."""
        subscription, _secret = operations.create_subscription(current_actor(), body)
        subscription.waiting = 0
        return subscription  # the created schema, the one that carries the secret


@blp.route("/event-types", methods=["GET"])
@require(Permission.WEBHOOKS_MANAGE)
@blp.response(200, WebhookEventTypeSchema(many=True))
def event_types():
    """The event types a subscription may take."""
    return [{"type": name, "description": text} for name, text in EVENT_TYPES.items()]


@blp.route("/<id:webhook_id>")
class SubscriptionView(MethodView):
    @require(Permission.WEBHOOKS_MANAGE)
    @blp.response(200, WebhookSubscriptionSchema)
    def get(self, webhook_id):
        return _get(webhook_id)

    @require(Permission.WEBHOOKS_MANAGE)
    @blp.arguments(WebhookSubscriptionPatchSchema)
    @blp.response(200, WebhookSubscriptionSchema)
    def patch(self, body, webhook_id):
        """Change its name, URL or types; ``status`` paused or active pauses or resumes it."""
        return operations.update_subscription(current_actor(), _get(webhook_id), body)

    @require(Permission.WEBHOOKS_MANAGE)
    @blp.response(204)
    def delete(self, webhook_id):
        """Delete it, with its deliveries not yet made."""
        operations.delete_subscription(current_actor(), _get(webhook_id))


@blp.route("/<id:webhook_id>/resume", methods=["POST"])
@require(Permission.WEBHOOKS_MANAGE)
@blp.response(200, WebhookSubscriptionSchema)
def resume(webhook_id):
    """Active again: what waited is sent, and what was given up is tried for another day."""
    return operations.resume_subscription(current_actor(), _get(webhook_id))


@blp.route("/<id:webhook_id>/test", methods=["POST"])
@require(Permission.WEBHOOKS_MANAGE)
@blp.response(202, WebhookTestSchema)
def send_test(webhook_id):
    """Queue a ``webhook.test`` event to this subscription (the worker sends it)."""
    event = operations.send_test_event(current_actor(), _get(webhook_id))
    return {"event_id": event.id, "type": event.type}


@blp.route("/<id:webhook_id>/deliveries", methods=["GET"])
@require(Permission.WEBHOOKS_MANAGE)
@blp.arguments(WebhookDeliveryArgsSchema, location="query")
@blp.response(200, page_schema(WebhookDeliverySchema))
def deliveries(args, webhook_id):
    """Its deliveries, newest first, each with every attempt (status code, time, answer)."""
    return queries.list_deliveries(_get(webhook_id), args)

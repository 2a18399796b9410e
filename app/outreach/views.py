"""Web Push for the canvassing app: the server's VAPID key, and turning notifications on
and off for one browser."""

from fnmatch import fnmatch
from urllib.parse import urlsplit

from flask import current_app, request
from flask_smorest import Blueprint
from sqlalchemy import select

from app.auth.access import current_user, signed_in
from app.core.errors import NotFound, ValidationError
from app.extensions import db
from app.outreach import push
from app.outreach.models import PushSubscription
from app.outreach.schemas import PushKeySchema, PushSubscriptionInSchema, PushSubscriptionSchema

blp = Blueprint("push", __name__, url_prefix="/api/v1/push", description="Web Push")


@blp.route("/key", methods=["GET"])
@signed_in
@blp.response(200, PushKeySchema)
def key():
    """The key the app subscribes with (``applicationServerKey``); not enabled without one."""
    public_key = current_app.config["DOORSTEP_VAPID_PUBLIC_KEY"]
    return {"enabled": bool(public_key), "public_key": public_key or None}


@blp.route("/subscriptions", methods=["GET"])
@signed_in
@blp.response(200, PushSubscriptionSchema(many=True))
def list_subscriptions():
    """The browsers that notify me."""
    return push.subscriptions_of(current_user())


@blp.route("/subscriptions", methods=["POST"])
@signed_in
@blp.arguments(PushSubscriptionInSchema)
@blp.response(201, PushSubscriptionSchema)
def subscribe(body):
    """Notify me in this browser (new lists for me, changes to my lists)."""
    if not current_app.config["DOORSTEP_VAPID_PUBLIC_KEY"]:
        raise ValidationError("This server does not send notifications (no VAPID key).",
                              code="push_not_configured")  # fmt: skip
    _check_endpoint(body["endpoint"])
    return push.subscribe(current_user(), body, request.user_agent.string or "")


@blp.route("/subscriptions/<id:subscription_id>", methods=["DELETE"])
@signed_in
@blp.response(204)
def unsubscribe(subscription_id):
    """Stop notifying me in this browser."""
    user = current_user()
    endpoint = db.session.scalar(
        select(PushSubscription.endpoint).where(
            PushSubscription.id == subscription_id, PushSubscription.user_id == user.id
        )
    )
    if endpoint is None or not push.unsubscribe(user, endpoint):
        raise NotFound("No such subscription of yours.", code="subscription_not_found")


def _check_endpoint(endpoint: str) -> None:
    """Only the push services' own hosts (the server posts to this URL: never let it be an
    address inside the campaign's network)."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    allowed = current_app.config["DOORSTEP_PUSH_HOSTS"]
    if not any(fnmatch(host, pattern.lower()) for pattern in allowed):
        raise ValidationError("That is not a push service this server sends to.",
                              code="push_host_not_allowed", fields={"endpoint": host})  # fmt: skip
    if parts.scheme != "https" and host not in ("127.0.0.1", "localhost"):
        raise ValidationError("Push endpoints are https.", fields={"endpoint": "not https"})

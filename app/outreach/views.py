"""Web Push for the canvassing app (the server's VAPID key, turning notifications on and off
for one browser), and the SMS provider's webhook for texts coming back (STOP, START)."""

from fnmatch import fnmatch
from urllib.parse import urlsplit

from flask import Response, current_app, request
from flask_smorest import Blueprint
from sqlalchemy import select

from app.auth.access import current_actor, current_user, public, signed_in
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.core.links import public_url
from app.extensions import db
from app.outreach import push
from app.outreach.models import PushSubscription
from app.outreach.schemas import PushKeySchema, PushSubscriptionInSchema, PushSubscriptionSchema
from app.people import sms

blp = Blueprint("push", __name__, url_prefix="/api/v1", description="Web Push and texts")


@blp.route("/push/key", methods=["GET"])
@signed_in
@blp.response(200, PushKeySchema)
def key():
    """The key the app subscribes with (``applicationServerKey``); not enabled without one."""
    public_key = current_app.config["DOORSTEP_VAPID_PUBLIC_KEY"]
    return {"enabled": bool(public_key), "public_key": public_key or None}


@blp.route("/push/subscriptions", methods=["GET"])
@signed_in
@blp.response(200, PushSubscriptionSchema(many=True))
def list_subscriptions():
    """The browsers that notify me."""
    return push.subscriptions_of(current_user())


@blp.route("/push/subscriptions", methods=["POST"])
@signed_in
@blp.arguments(PushSubscriptionInSchema)
@blp.response(201, PushSubscriptionSchema)
def subscribe(body):
    """Notify me in this browser (new lists for me, changes to my lists)."""
    if not current_app.config["DOORSTEP_VAPID_PUBLIC_KEY"]:
        raise ValidationError("This server does not send notifications (no VAPID key).",
                              code="push_not_configured")  # fmt: skip
    _check_endpoint(body["endpoint"])
    return push.subscribe(current_actor(), body, request.user_agent.string or "")


@blp.route("/push/subscriptions/<id:subscription_id>", methods=["DELETE"])
@signed_in
@blp.response(204)
def unsubscribe(subscription_id):
    """Stop notifying me in this browser."""
    actor = current_actor()
    endpoint = db.session.scalar(
        select(PushSubscription.endpoint).where(
            PushSubscription.id == subscription_id, PushSubscription.user_id == actor.user_id
        )
    )
    if endpoint is None or not push.unsubscribe(actor, endpoint):
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


@blp.route("/sms/inbound", methods=["POST"])
@public
@blp.doc(responses={200: {"description": "TwiML (empty: the provider answers keywords)"}})
def sms_inbound():
    """A text to the campaign's number (Twilio's webhook, signed with the auth token): STOP,
    QUIT, END, REVOKE, OPT OUT, CANCEL, UNSUBSCRIBE stop all texts to it; START allows them;
    HELP is answered with the campaign's name and contact; a reply goes to its conversation."""
    config = current_app.config
    if config["DOORSTEP_SMS_PROVIDER"] != "twilio":
        raise NotFound("This server does not receive texts.", code="sms_not_configured")
    url = public_url(request.full_path.rstrip("?"))
    form = request.form.to_dict()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not sms.is_signed(config["DOORSTEP_TWILIO_AUTH_TOKEN"], url, form, signature):
        raise PermissionDenied("The request is not signed by the SMS provider.",
                               code="bad_signature")  # fmt: skip
    sms.handle_inbound(form)
    return Response('<?xml version="1.0" encoding="UTF-8"?><Response/>', mimetype="text/xml")

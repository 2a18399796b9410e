"""Email campaign endpoints: templates, campaigns, audience counts, preview, test send, send,
pause, resume, cancel, results; and the providers' bounce and complaint webhooks."""

import hmac

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth.access import current_actor, current_user, public, require
from app.auth.permissions import Permission
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.core.pagination import PageArgsSchema, page_schema
from app.mailings import operations, queries, webhooks
from app.mailings.audiences import count_audience
from app.mailings.schemas import (
    AudienceCountSchema,
    CampaignInSchema,
    CampaignListArgsSchema,
    CampaignPatchSchema,
    CampaignSchema,
    MailWebhookResultSchema,
    PreviewArgsSchema,
    RenderedSchema,
    ResultsSchema,
    SendSchema,
    TemplateInSchema,
    TemplatePatchSchema,
    TemplateSchema,
    TestSendSchema,
)

blp = Blueprint("mailings", __name__, url_prefix="/api/v1/email", description="Email campaigns")


def _org() -> int:
    return current_user().organization_id


@blp.route("/templates")
class TemplatesView(MethodView):
    @require(Permission.OUTREACH_MANAGE)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(TemplateSchema))
    def get(self, args):
        """The campaign's email templates."""
        return queries.list_templates(_org(), args)

    @require(Permission.OUTREACH_MANAGE)
    @blp.arguments(TemplateInSchema)
    @blp.response(201, TemplateSchema)
    def post(self, body):
        """A template: subject, preheader, HTML and text parts with merge fields."""
        return operations.create_template(current_actor(), body)


@blp.route("/templates/<id:template_id>")
class TemplateView(MethodView):
    @require(Permission.OUTREACH_MANAGE)
    @blp.response(200, TemplateSchema)
    def get(self, template_id):
        return queries.get_template(_org(), template_id)

    @require(Permission.OUTREACH_MANAGE)
    @blp.arguments(TemplatePatchSchema)
    @blp.response(200, TemplateSchema)
    def patch(self, body, template_id):
        template = queries.get_template(_org(), template_id)
        return operations.update_template(current_actor(), template, body)


@blp.route("/campaigns")
class CampaignsView(MethodView):
    @require(Permission.OUTREACH_MANAGE)
    @blp.arguments(CampaignListArgsSchema, location="query")
    @blp.response(200, page_schema(CampaignSchema))
    def get(self, args):
        """The campaign's email campaigns, newest first."""
        return queries.list_campaigns(_org(), args)

    @require(Permission.OUTREACH_MANAGE)
    @blp.arguments(CampaignInSchema)
    @blp.response(201, CampaignSchema)
    def post(self, body):
        """A draft campaign (its parts given, or copied from ``template_id``)."""
        return operations.create_campaign(current_actor(), body)


@blp.route("/campaigns/<id:campaign_id>")
class CampaignView(MethodView):
    @require(Permission.OUTREACH_MANAGE)
    @blp.response(200, CampaignSchema)
    def get(self, campaign_id):
        return queries.get_campaign(_org(), campaign_id)

    @require(Permission.OUTREACH_MANAGE)
    @blp.arguments(CampaignPatchSchema)
    @blp.response(200, CampaignSchema)
    def patch(self, body, campaign_id):
        """Change a draft or scheduled campaign."""
        campaign = queries.get_campaign(_org(), campaign_id)
        return operations.update_campaign(current_actor(), campaign, body)


@blp.route("/campaigns/<id:campaign_id>/audience", methods=["GET"])
@require(Permission.OUTREACH_MANAGE)
@blp.response(200, AudienceCountSchema)
def audience(campaign_id):
    """How many addresses would get it now (opt-outs, bounces and the rest left out)."""
    return {"recipients": count_audience(queries.get_campaign(_org(), campaign_id))}


@blp.route("/campaigns/<id:campaign_id>/preview", methods=["GET"])
@require(Permission.OUTREACH_MANAGE)
@blp.arguments(PreviewArgsSchema, location="query")
@blp.response(200, RenderedSchema)
def preview(args, campaign_id):
    """The message one person would get; a merge field they lack is named (422)."""
    return operations.preview(queries.get_campaign(_org(), campaign_id), args["person_id"])


@blp.route("/campaigns/<id:campaign_id>/test", methods=["POST"])
@require(Permission.OUTREACH_SEND)
@blp.arguments(TestSendSchema)
@blp.response(200, RenderedSchema)
def test_send(body, campaign_id):
    """Send one person's message to an address now, marked "[Test]"."""
    campaign = queries.get_campaign(_org(), campaign_id)
    return operations.test_send(current_actor(), campaign, body["person_id"], body["to"])


@blp.route("/campaigns/<id:campaign_id>/send", methods=["POST"])
@require(Permission.OUTREACH_SEND)
@blp.arguments(SendSchema)
@blp.response(200, CampaignSchema)
def send(body, campaign_id):
    """Send now or at ``at``: the worker sends it, within the rate limit."""
    campaign = queries.get_campaign(_org(), campaign_id)
    return operations.send_campaign(current_actor(), campaign, body["at"])


def _state_route(action: str, verb):
    def view(campaign_id):
        return verb(current_actor(), queries.get_campaign(_org(), campaign_id))

    view.__name__ = f"{action}_campaign"
    view.__doc__ = f"{action.capitalize()} the campaign."
    view = blp.response(200, CampaignSchema)(view)
    view = require(Permission.OUTREACH_SEND)(view)
    blp.route(f"/campaigns/<id:campaign_id>/{action}", methods=["POST"])(view)


_state_route("pause", operations.pause_campaign)
_state_route("resume", operations.resume_campaign)
_state_route("cancel", operations.cancel_campaign)


@blp.route("/campaigns/<id:campaign_id>/results", methods=["GET"])
@require(Permission.OUTREACH_MANAGE)
@blp.response(200, ResultsSchema)
def results(campaign_id):
    """Recipients by status; delivered, bounced, complained, opened (unreliable), clicked,
    unsubscribed, replied."""
    return queries.campaign_results(queries.get_campaign(_org(), campaign_id))


def _webhook(provider: str):
    secret = current_app.config["DOORSTEP_MAIL_WEBHOOK_SECRET"]
    if not secret:
        raise NotFound("This server takes no mail webhooks.", code="webhooks_not_configured")
    given = request.args.get("key") or (
        request.authorization.password if request.authorization else ""
    )
    if not hmac.compare_digest(str(given or ""), secret):
        raise PermissionDenied("The webhook's key is wrong.", code="bad_webhook_key")
    if provider == "sendgrid-inbound":  # Inbound Parse posts a form
        payload = request.form
    else:  # SNS posts JSON as text/plain: read the body whatever its type says
        payload = request.get_json(force=True, silent=True)
        if payload is None:
            raise ValidationError("The body is not JSON.", fields={"body": ["Not JSON."]})
    try:
        events = webhooks.READERS[provider](payload)
    except (AttributeError, TypeError, ValueError, KeyError):
        raise ValidationError(
            "The body is not in the provider's shape.", fields={"body": ["Unexpected shape."]}
        ) from None
    return {"counts": webhooks.apply_events(events)}


def _webhook_route(provider: str, label: str) -> None:
    def view():
        return _webhook(provider)

    view.__name__ = f"{provider.replace('-', '_')}_webhook"
    view.__doc__ = (
        f"{label}. Public, with the server's webhook key (?key=, or as the basic-auth password)."
    )
    view = blp.response(200, MailWebhookResultSchema)(view)
    blp.route(f"/webhooks/{provider}", methods=["POST"])(public(view))


_webhook_route("ses", "Amazon SES through SNS: bounces, complaints, deliveries")
_webhook_route("postmark", "Postmark's bounce, spam complaint and delivery webhooks")
_webhook_route("sendgrid", "SendGrid's event webhook")
_webhook_route("postmark-inbound", "Postmark's inbound webhook: replies to the campaign")
_webhook_route("sendgrid-inbound", "SendGrid's Inbound Parse: replies to the campaign")

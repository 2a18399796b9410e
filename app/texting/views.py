"""Texting endpoints: campaigns (organisers), the texter's conversations, and the thread."""

from datetime import UTC, datetime

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from app.audit.reads import record_bulk_read
from app.auth.access import current_actor, current_user, require
from app.auth.permissions import Permission
from app.core.errors import PermissionDenied
from app.core.pagination import page_schema
from app.extensions import db
from app.texting import campaigns, conversations, queries, results
from app.texting.delivery import price
from app.texting.models import TextCampaignKind
from app.texting.schemas import (
    CannedResponseInSchema,
    CannedResponseSchema,
    ConversationAssignSchema,
    ConversationClaimSchema,
    ConversationListArgsSchema,
    ConversationsClaimedSchema,
    ConversationSummarySchema,
    EstimateSchema,
    ReleasedSchema,
    ResultInSchema,
    ResultSchema,
    SentSchema,
    StartSchema,
    TextCampaignInSchema,
    TextCampaignListArgsSchema,
    TextCampaignSchema,
    TextCampaignUpdateSchema,
    TextSendSchema,
    ThreadSchema,
)

blp = Blueprint("texting", __name__, url_prefix="/api/v1/texting", description="Texting")


def _now() -> datetime:
    return datetime.now(UTC)


def _campaign(campaign_id: int):
    return campaigns.get_campaign(current_user().organization_id, campaign_id)


def _check_broadcast(kind) -> None:
    if kind == TextCampaignKind.BROADCAST and not current_user().can(Permission.TEXTING_BROADCAST):
        raise PermissionDenied(f"Broadcasts need {Permission.TEXTING_BROADCAST}.",
                               fields={"kind": ["broadcast"]})  # fmt: skip


@blp.route("/campaigns")
class Campaigns(MethodView):
    @require(Permission.TEXTING_SEND)
    @blp.arguments(TextCampaignListArgsSchema, location="query")
    @blp.response(200, page_schema(TextCampaignSchema))
    def get(self, args):
        """The campaign's texting campaigns, with their conversations by status."""
        return queries.list_campaigns(current_user().organization_id, args)

    @require(Permission.TEXTING_MANAGE)
    @blp.arguments(TextCampaignInSchema)
    @blp.response(201, TextCampaignSchema)
    def post(self, body):
        """A draft texting campaign over a universe: its first message (a template) and
        canned answers. A broadcast (texts to everyone who agreed) needs texting.broadcast."""
        _check_broadcast(body.get("kind"))
        campaign = campaigns.create_campaign(current_actor(), body)
        return queries.with_counts([campaign])[0]


@blp.route("/campaigns/<id:text_campaign_id>")
class Campaign(MethodView):
    @require(Permission.TEXTING_SEND)
    @blp.response(200, TextCampaignSchema)
    def get(self, text_campaign_id):
        """A texting campaign: its first message, canned answers and figures."""
        return queries.with_counts([_campaign(text_campaign_id)])[0]

    @require(Permission.TEXTING_MANAGE)
    @blp.arguments(TextCampaignUpdateSchema)
    @blp.response(200, TextCampaignSchema)
    def patch(self, changes, text_campaign_id):
        """Change a campaign (its kind, universe and first message only while a draft)."""
        campaign = _campaign(text_campaign_id)
        _check_broadcast(changes.get("kind", campaign.kind))
        campaigns.update_campaign(current_actor(), campaign, changes)
        return queries.with_counts([campaign])[0]


@blp.route("/campaigns/<id:text_campaign_id>/estimate", methods=["GET"])
@require(Permission.TEXTING_MANAGE)
@blp.response(200, EstimateSchema)
def estimate(text_campaign_id):
    """Before sending: how many people, segments per message and what it will cost
    (DOORSTEP_SMS_SEGMENT_COST per segment)."""
    return campaigns.estimate(_campaign(text_campaign_id), current_user())


@blp.route("/campaigns/<id:text_campaign_id>/start", methods=["POST"])
@require(Permission.TEXTING_MANAGE)
@blp.response(200, StartSchema)
def start(text_campaign_id):
    """Make the conversations (each person who may be texted, once) and open the campaign:
    texters claim them, or the worker sends a broadcast."""
    campaign = _campaign(text_campaign_id)
    _check_broadcast(campaign.kind)
    return {"conversations": campaigns.start_campaign(current_actor(), campaign, _now())}


@blp.route("/campaigns/<id:text_campaign_id>/close", methods=["POST"])
@require(Permission.TEXTING_MANAGE)
@blp.response(200, TextCampaignSchema)
def close(text_campaign_id):
    """Send nothing more (replies still land in their threads)."""
    campaign = campaigns.close_campaign(_campaign(text_campaign_id), _now())
    return queries.with_counts([campaign])[0]


@blp.route("/campaigns/<id:text_campaign_id>/canned-responses", methods=["POST"])
@require(Permission.TEXTING_MANAGE)
@blp.arguments(CannedResponseInSchema)
@blp.response(201, CannedResponseSchema)
def add_canned_response(body, text_campaign_id):
    """A canned answer texters send with one tap."""
    return campaigns.add_canned_response(_campaign(text_campaign_id), body)


@blp.route("/canned-responses/<id:canned_response_id>", methods=["DELETE"])
@require(Permission.TEXTING_MANAGE)
@blp.response(204)
def delete_canned_response(canned_response_id):
    campaigns.delete_canned_response(current_user().organization_id, canned_response_id)


@blp.route("/campaigns/<id:text_campaign_id>/claim", methods=["POST"])
@require(Permission.TEXTING_SEND)
@blp.arguments(ConversationClaimSchema)
@blp.response(200, ConversationsClaimedSchema)
def claim(body, text_campaign_id):
    """Take a batch of conversations whose first message is unsent (audited)."""
    campaign = _campaign(text_campaign_id)
    ids = conversations.claim(current_actor(), campaign, body["count"], _now())
    return {"conversation_ids": ids}


@blp.route("/campaigns/<id:text_campaign_id>/release", methods=["POST"])
@require(Permission.TEXTING_SEND)
@blp.response(200, ReleasedSchema)
def release(text_campaign_id):
    """Hand off: my unsent conversations back to the pool, the rest to the shared inbox."""
    return conversations.release(current_actor(), _campaign(text_campaign_id))


@blp.route("/conversations", methods=["GET"])
@require(Permission.TEXTING_SEND)
@blp.arguments(ConversationListArgsSchema, location="query")
@blp.response(200, page_schema(ConversationSummarySchema))
def list_conversations(args):
    """My conversations (``scope=mine``); organisers also the shared inbox and all. Pages
    after the first are audited."""
    page = queries.conversations(current_user(), args)
    if page.page > 1 or args["scope"] != "mine":
        record_bulk_read("texting.conversations", filter=args, rows=len(page.items),
                         entity_type="people", total=page.total)  # fmt: skip
    return page


def _thread(conversation):
    user = current_user()
    shown = ThreadSchema(exclude=() if conversations.may_manage(user) else ("number",))
    return jsonify(shown.dump(queries.thread(conversation, user, _now())))


@blp.route("/conversations/<id:conversation_id>", methods=["GET"])
@require(Permission.TEXTING_SEND)
@blp.response(200, ThreadSchema)
def get_conversation(conversation_id):
    """The thread, and the first message as it will go (segments, cost, quiet hours)."""
    return _thread(conversations.get_conversation(current_actor(), conversation_id))


@blp.route("/conversations/<id:conversation_id>/messages", methods=["POST"])
@require(Permission.TEXTING_SEND)
@blp.arguments(TextSendSchema)
@blp.response(201, SentSchema)
def send(body, conversation_id):
    """Send one message now: nothing for the first message, a canned answer, or your words.
    409 ``quiet_hours`` (with ``send_after``), ``not_textable`` (opted out, landline ...)."""
    actor = current_actor()
    conversation = conversations.get_conversation(actor, conversation_id, lock=True)
    message = conversations.send(actor, conversation, _now(), body=body.get("body"),
                                 canned_response_id=body.get("canned_response_id"))  # fmt: skip
    message.cost = price(message.body).cost  # for the schema
    return message


@blp.route("/conversations/<id:conversation_id>/results", methods=["POST"])
@require(Permission.TEXTING_SEND)
@blp.arguments(ResultInSchema)
@blp.response(201, ResultSchema)
def record_result(body, conversation_id):
    """Record the thread's result code and survey answers (the canvass script)."""
    actor = current_actor()
    conversation = conversations.get_conversation(actor, conversation_id, lock=True)
    interaction = results.record_result(actor, conversation, result=body.get("result"),
                                        answers=body["answers"], close=body["close"],
                                        now=_now())  # fmt: skip
    return {"interaction_id": interaction.id, "result": interaction.result,
            "status": conversation.status}  # fmt: skip


@blp.route("/conversations/<id:conversation_id>/assign", methods=["POST"])
@require(Permission.TEXTING_MANAGE)
@blp.arguments(ConversationAssignSchema)
@blp.response(200, ConversationSummarySchema)
def assign(body, conversation_id):
    """Hand a conversation to a texter (null: back to the pool or the shared inbox)."""
    conversation = conversations.get_conversation(current_actor(), conversation_id, lock=True)
    conversations.assign(conversation, body["texter_id"], _now())
    db.session.refresh(conversation)
    return conversation

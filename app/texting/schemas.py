"""What goes in and out of the texting API."""

from __future__ import annotations

import marshmallow as ma

from app.canvass.schemas import CODE, ID, AnswerValue
from app.core.pagination import PageArgsSchema, sort_field
from app.core.schemas import StrictSchema
from app.texting.conversations import MAX_CLAIM
from app.texting.models import ConversationStatus, TextCampaignKind, TextCampaignStatus
from app.texting.queries import CAMPAIGN_SORTS, CONVERSATION_SORTS

#: A text of ten segments is long enough for anything a campaign should text.
MAX_TEXT = 1600


def _text(**kwargs) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.Length(min=1, max=MAX_TEXT), **kwargs)


class CannedResponseInSchema(StrictSchema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=80))
    body = _text(required=True, metadata={"description": "A template, as the first message"})


class CannedResponseSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    body = ma.fields.String()


class TextCampaignUpdateSchema(StrictSchema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=120))
    kind = ma.fields.Enum(TextCampaignKind, by_value=True)
    universe_id = ma.fields.Integer(validate=ID)
    script_id = ma.fields.Integer(allow_none=True, validate=ID)
    first_message = _text(metadata={"description": "A template: {{ first_name }} ..."})
    contact = ma.fields.String(
        validate=ma.validate.Length(min=3, max=200),
        metadata={"description": "Who answers questions: the reply to HELP gives it"},
    )


class TextCampaignInSchema(TextCampaignUpdateSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    kind = ma.fields.Enum(TextCampaignKind, by_value=True, load_default=TextCampaignKind.PEER)
    universe_id = ma.fields.Integer(required=True, validate=ID)
    first_message = _text(required=True)
    contact = ma.fields.String(required=True, validate=ma.validate.Length(min=3, max=200))
    canned_responses = ma.fields.List(ma.fields.Nested(CannedResponseInSchema),
                                      load_default=list,
                                      validate=ma.validate.Length(max=50))  # fmt: skip


class TextCampaignSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.Enum(TextCampaignKind, by_value=True)
    status = ma.fields.Enum(TextCampaignStatus, by_value=True)
    universe_id = ma.fields.Integer(allow_none=True)
    script_id = ma.fields.Integer(allow_none=True)
    first_message = ma.fields.String()
    contact = ma.fields.String()
    created_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    canned_responses = ma.fields.List(ma.fields.Nested(CannedResponseSchema))
    counts = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Integer(),
        metadata={"description": "Conversations by status"},
    )  # fmt: skip


class TextCampaignListArgsSchema(PageArgsSchema):
    status = ma.fields.Enum(TextCampaignStatus, by_value=True)
    sort = sort_field(CAMPAIGN_SORTS)


class SegmentsSchema(ma.Schema):
    average = ma.fields.Float()
    max = ma.fields.Integer()


class EstimateSchema(ma.Schema):
    recipients = ma.fields.Integer()
    sampled = ma.fields.Integer()
    cannot_render = ma.fields.Integer(metadata={"description": "Of the sample: a field missing"})
    segments_per_message = ma.fields.Nested(SegmentsSchema)
    segments = ma.fields.Integer()
    cost = ma.fields.Decimal(as_string=True)
    cost_per_segment = ma.fields.Decimal(as_string=True)
    example = ma.fields.String(allow_none=True)


class StartSchema(ma.Schema):
    conversations = ma.fields.Integer()


class ConversationClaimSchema(StrictSchema):
    count = ma.fields.Integer(load_default=25, validate=ma.validate.Range(min=1, max=MAX_CLAIM))


class ConversationsClaimedSchema(ma.Schema):
    conversation_ids = ma.fields.List(ma.fields.Integer())


class ReleasedSchema(ma.Schema):
    unsent = ma.fields.Integer(metadata={"description": "Back to the pool"})
    to_inbox = ma.fields.Integer(metadata={"description": "To the shared inbox"})


class ConversationListArgsSchema(PageArgsSchema):
    scope = ma.fields.String(load_default="mine",
                             validate=ma.validate.OneOf(("mine", "inbox", "all")))  # fmt: skip
    campaign_id = ma.fields.Integer(validate=ID)
    status = ma.fields.Enum(ConversationStatus, by_value=True)
    sort = sort_field(CONVERSATION_SORTS)


class TexteeSchema(ma.Schema):
    """The person at the other end, as a texter sees them: a name."""

    id = ma.fields.Integer()
    first_name = ma.fields.String(allow_none=True)
    last_name = ma.fields.String(allow_none=True)


class ConversationSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    campaign_id = ma.fields.Integer()
    person = ma.fields.Nested(TexteeSchema)
    status = ma.fields.Enum(ConversationStatus, by_value=True)
    texter_id = ma.fields.Integer(allow_none=True)
    result = ma.fields.String(allow_none=True)
    last_message_at = ma.fields.DateTime(allow_none=True)


class TextMessageSchema(ma.Schema):
    id = ma.fields.Integer()
    direction = ma.fields.String()
    body = ma.fields.String()
    segments = ma.fields.Integer()
    encoding = ma.fields.String()
    user_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()


class NextMessageSchema(ma.Schema):
    body = ma.fields.String()
    segments = ma.fields.Integer()
    encoding = ma.fields.String()
    cost = ma.fields.Decimal(as_string=True)


class ThreadSchema(ma.Schema):
    id = ma.fields.Integer(attribute="conversation.id")
    campaign_id = ma.fields.Integer(attribute="conversation.campaign_id")
    campaign_name = ma.fields.String()
    campaign_active = ma.fields.Boolean()
    status = ma.fields.Enum(ConversationStatus, by_value=True, attribute="conversation.status")
    texter_id = ma.fields.Integer(allow_none=True, attribute="conversation.texter_id")
    result = ma.fields.String(allow_none=True, attribute="conversation.result")
    number = ma.fields.String(
        attribute="conversation.number",
        metadata={"description": "Organisers who manage texting only"},
    )
    person = ma.fields.Nested(TexteeSchema)
    messages = ma.fields.List(ma.fields.Nested(TextMessageSchema))
    next_message = ma.fields.Nested(NextMessageSchema, allow_none=True)
    cannot_send = ma.fields.String(allow_none=True)
    send_after = ma.fields.DateTime(allow_none=True, metadata={"description": "Quiet hours"})


class TextSendSchema(StrictSchema):
    """Nothing: the first message. ``canned_response_id``: that answer. ``body``: own words."""

    body = _text()
    canned_response_id = ma.fields.Integer(validate=ID)

    @ma.validates_schema
    def _one(self, data, **kwargs):
        if "body" in data and "canned_response_id" in data:
            raise ma.ValidationError("Send your words or a canned response, not both.", "body")


class SentSchema(TextMessageSchema):
    cost = ma.fields.Decimal(as_string=True)


class ResultInSchema(StrictSchema):
    result = ma.fields.String(validate=CODE, metadata={"description": "A result code"})
    answers = ma.fields.Dict(keys=ma.fields.String(validate=ma.validate.Length(min=1, max=60)),
                             values=AnswerValue(), load_default=dict,
                             validate=ma.validate.Length(max=50))  # fmt: skip
    close = ma.fields.Boolean(load_default=False)


class ResultSchema(ma.Schema):
    interaction_id = ma.fields.Integer()
    result = ma.fields.String()
    status = ma.fields.Enum(ConversationStatus, by_value=True)


class ConversationAssignSchema(StrictSchema):
    texter_id = ma.fields.Integer(required=True, allow_none=True, validate=ID)

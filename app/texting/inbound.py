"""Texts coming back, filed in their conversation (``sms_received``, after app.people.sms has
applied STOP and START to the phone).

A reply goes to the conversation that last texted the number, and to its texter while they
hold it and their account is active; otherwise to the shared inbox (texter None), where an
organiser takes it. A STOP closes every conversation with that number, in every campaign,
at once (the phone itself was opted out below: nothing more is sent to it from anywhere).
HELP is answered with the campaign's name and how to reach it, even in quiet hours: the
person asked.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from app.accounts.models import Organization, User
from app.core.signals import sms_received
from app.extensions import db
from app.people.models import InteractionKind, Person
from app.people.operations import record_interaction
from app.texting.conversations import deliver
from app.texting.delivery import OPT_OUT_LINE
from app.texting.models import (
    Conversation,
    ConversationStatus,
    Direction,
    TextCampaign,
    TextMessage,
)
from app.texting.segments import count


@sms_received.connect
def file_reply(
    number: str,
    *,
    body: str,
    keyword: str | None,
    message_sid: str | None,
    received_at: datetime,
) -> int | None:
    """File the text in its conversation; returns the conversation's id (None: no
    conversation texted this number, or the provider delivered this text before)."""
    if message_sid and db.session.scalar(
        select(TextMessage.id).where(TextMessage.provider_sid == message_sid)
    ):
        return None
    if keyword == "stop":
        db.session.execute(
            update(Conversation)
            .where(Conversation.number == number)
            .where(Conversation.status != ConversationStatus.OPTED_OUT)
            .values(status=ConversationStatus.OPTED_OUT, closed_reason="opted_out")
            .execution_options(synchronize_session=False)
        )
    conversation = db.session.scalar(
        select(Conversation)
        .where(Conversation.number == number, Conversation.first_sent_at.is_not(None))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(1)
        .with_for_update(of=Conversation)
        .execution_options(populate_existing=True)
    )
    if conversation is None:
        return None
    counted = count(body)
    message = TextMessage(organization_id=conversation.organization_id,
                          conversation_id=conversation.id, direction=Direction.IN, body=body,
                          segments=counted.segments, encoding=counted.encoding,
                          provider_sid=message_sid, created_at=received_at)  # fmt: skip
    db.session.add(message)
    conversation.last_message_at = received_at
    person = db.session.get(Person, conversation.person_id)
    if keyword == "help":
        _answer_help(conversation, person, received_at)
    elif keyword == "start" and conversation.status == ConversationStatus.OPTED_OUT:
        conversation.status, conversation.closed_reason = ConversationStatus.CLOSED, None
    elif keyword is None:
        _route(conversation)
        record_interaction(person, InteractionKind.TEXT, occurred_at=received_at,
                           result="replied", summary=body[:300],
                           data={"conversation_id": conversation.id, "number": number,
                                 "text_campaign_id": conversation.campaign_id,
                                 "direction": "inbound"})  # fmt: skip
    db.session.flush()
    return conversation.id


def _route(conversation: Conversation) -> None:
    """Their turn: to the texter while they hold it and may still text, else the inbox."""
    if conversation.status != ConversationStatus.OPTED_OUT:
        conversation.status = ConversationStatus.NEEDS_RESPONSE
    texter = db.session.get(User, conversation.texter_id) if conversation.texter_id else None
    if texter is None or not texter.is_active:
        conversation.texter_id = None


def help_text(campaign: TextCampaign) -> str:
    organization = db.session.get(Organization, campaign.organization_id)
    return f"{organization.name}: {campaign.name}. Questions? {campaign.contact}. {OPT_OUT_LINE}"


def _answer_help(conversation: Conversation, person: Person, now: datetime) -> None:
    campaign = db.session.get(TextCampaign, conversation.campaign_id)
    status = conversation.status
    deliver(conversation, campaign, person, help_text(campaign), now)
    conversation.status = status  # an answer to HELP is nobody's turn in the thread

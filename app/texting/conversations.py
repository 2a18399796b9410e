"""What texters do (Spoke's way): claim a batch of conversations, send each first message
with one tap (one request, one message: a person sends each), answer replies with canned
responses or their own words, record the result and survey answers, and hand off.

A conversation is acted on by its holder, or by an organiser who manages texting; anybody
else is told it does not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from app.accounts.models import User
from app.audit.reads import record_bulk_read
from app.auth.permissions import Permission
from app.core.actor import Actor
from app.core.errors import Conflict, NotFound
from app.extensions import db
from app.people.models import Person
from app.texting.campaigns import first_message
from app.texting.compliance import NotTextable, check_daytime, check_textable
from app.texting.delivery import merge_fields, price, queue_text, render_text
from app.texting.models import (
    CannedResponse,
    Conversation,
    ConversationStatus,
    Direction,
    TextCampaign,
    TextCampaignKind,
    TextCampaignStatus,
    TextMessage,
)

MAX_CLAIM = 200
#: Held by nobody, already sent: the shared inbox's conversations.
OPEN = (ConversationStatus.MESSAGED, ConversationStatus.NEEDS_RESPONSE, ConversationStatus.CONVO)


def may_manage(user: User) -> bool:
    return user.can(Permission.TEXTING_MANAGE)


def get_conversation(actor: Actor, conversation_id: int, *, lock: bool = False) -> Conversation:
    """The conversation, if the actor holds it or manages texting (else 404)."""
    query = select(Conversation).where(Conversation.id == min(conversation_id, 2**63 - 1))
    if lock:
        query = query.with_for_update(of=Conversation)
    conversation = db.session.scalar(query)
    user = db.session.get(User, actor.user_id)
    if (
        conversation is None
        or conversation.organization_id != actor.organization_id
        or (conversation.texter_id != user.id and not may_manage(user))
    ):
        raise NotFound("No such conversation of yours.", code="conversation_not_found")
    return conversation


def claim(actor: Actor, campaign: TextCampaign, count: int, now: datetime) -> list[int]:
    """Give the texter up to ``count`` conversations whose first message is unsent; two
    texters claiming at once get different ones. Returns their ids."""
    if campaign.kind != TextCampaignKind.PEER or campaign.status != TextCampaignStatus.ACTIVE:
        raise Conflict("Only an active peer-to-peer campaign hands out conversations.",
                       code="text_campaign_not_active")  # fmt: skip
    free = (
        select(Conversation.id)
        .where(Conversation.campaign_id == campaign.id, Conversation.texter_id.is_(None))
        .where(Conversation.status == ConversationStatus.NEEDS_MESSAGE)
        .order_by(Conversation.id)
        .limit(count)
        .with_for_update(skip_locked=True)
    )
    # Locked first, then updated: an UPDATE ... WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP
    # LOCKED) may run its subquery more than once under some plans and take more than n.
    ids = list(db.session.scalars(free))
    db.session.execute(
        update(Conversation)
        .where(Conversation.id.in_(ids))
        .values(texter_id=actor.user_id, assigned_at=now)
        .execution_options(synchronize_session=False)
    )
    record_bulk_read("texting.claim", entity=campaign, filter={"count": count}, rows=len(ids))
    return sorted(ids)


def release(actor: Actor, campaign: TextCampaign) -> dict[str, int]:
    """Hand off: unsent conversations go back to the pool, the others to the shared inbox
    (a later reply waits there for whoever takes it)."""
    counts = {}
    for name, statuses in (("unsent", (ConversationStatus.NEEDS_MESSAGE,)), ("to_inbox", OPEN)):
        counts[name] = db.session.execute(
            update(Conversation)
            .where(Conversation.campaign_id == campaign.id)
            .where(Conversation.texter_id == actor.user_id, Conversation.status.in_(statuses))
            .values(texter_id=None)
            .execution_options(synchronize_session=False)
        ).rowcount
    db.session.expire_all()
    return counts


def assign(conversation: Conversation, user_id: int | None, now: datetime) -> Conversation:
    """An organiser hands the conversation to a texter (None: back to the pool or inbox)."""
    if user_id is not None:
        user = db.session.get(User, user_id)
        if (
            user is None
            or user.organization_id != conversation.organization_id
            or not user.is_active
            or not user.can(Permission.TEXTING_SEND)
        ):
            raise NotFound("No such texter.", code="texter_not_found",
                           fields={"texter_id": [user_id]})  # fmt: skip
    conversation.texter_id, conversation.assigned_at = user_id, now
    db.session.flush()
    return conversation


def _body(conversation, campaign, person, texter, body, canned_id) -> str:
    """What to send: the first message (nothing given, nothing sent yet), a canned answer,
    or the texter's own words (replies only: the first message is the campaign's)."""
    if conversation.status == ConversationStatus.NEEDS_MESSAGE:
        if body is not None or canned_id is not None:
            raise Conflict("The first message is the campaign's: send it first.",
                           code="first_message_unsent")  # fmt: skip
        return first_message(campaign, person, texter)
    if canned_id is not None:
        canned = db.session.get(CannedResponse, canned_id) if canned_id < 2**63 else None
        if canned is None or canned.campaign_id != campaign.id:
            raise NotFound("No such canned response in this campaign.",
                           code="canned_response_not_found",
                           fields={"canned_response_id": [canned_id]})  # fmt: skip
        fields = merge_fields(person, texter=texter, campaign_name=campaign.name,
                              template=canned.body)  # fmt: skip
        return render_text(canned.body, fields, field="canned_response_id")
    if body is None:
        raise Conflict("The first message was sent: write a reply.", code="first_message_sent",
                       fields={"body": ["Required for a reply."]})  # fmt: skip
    return body.strip()


def send(
    actor: Actor,
    conversation: Conversation,
    now: datetime,
    *,
    body: str | None = None,
    canned_response_id: int | None = None,
) -> TextMessage:
    """Send one message of the thread, now: refused (409) when the campaign is not active,
    the number may not be texted (opted out, landline ...) or it is quiet hours where the
    person lives."""
    campaign = db.session.get(TextCampaign, conversation.campaign_id)
    if campaign.status != TextCampaignStatus.ACTIVE:
        raise Conflict("The texting campaign is not active.", code="text_campaign_not_active")
    if conversation.status == ConversationStatus.OPTED_OUT:
        raise NotTextable("This person opted out of texts.", fields={"reason": ["opted_out"]})
    texter = db.session.get(User, actor.user_id)
    person = db.session.get(Person, conversation.person_id)
    text = _body(conversation, campaign, person, texter, body, canned_response_id)
    consent = campaign.kind == TextCampaignKind.BROADCAST
    check_textable(person.id, conversation.number, consent_required=consent)
    check_daytime(conversation.number, conversation.organization_id, now)
    return deliver(conversation, campaign, person, text, now, user_id=texter.id)


def deliver(conversation, campaign, person, text, now, *, user_id=None) -> TextMessage:
    """Queue ``text`` in the thread (checked by the caller) and move the conversation on."""
    outbound = queue_text(person, conversation.number, text, kind=f"texting.{campaign.kind}",
                          now=now, user_id=user_id,
                          data={"conversation_id": conversation.id,
                                "text_campaign_id": campaign.id})  # fmt: skip
    message = TextMessage(organization_id=conversation.organization_id,
                          conversation_id=conversation.id, direction=Direction.OUT, body=text,
                          user_id=user_id, outbound_message_id=outbound.id, created_at=now,
                          **_priced(text))  # fmt: skip
    db.session.add(message)
    if conversation.status == ConversationStatus.NEEDS_MESSAGE:
        conversation.status, conversation.first_sent_at = ConversationStatus.MESSAGED, now
        conversation.first_texter_id = user_id
    elif conversation.status in (ConversationStatus.NEEDS_RESPONSE, ConversationStatus.CLOSED):
        conversation.status = ConversationStatus.CONVO
    conversation.last_message_at = now
    db.session.flush()
    return message


def _priced(text: str) -> dict[str, Any]:
    counted = price(text)
    return {"segments": counted.segments, "encoding": counted.encoding}

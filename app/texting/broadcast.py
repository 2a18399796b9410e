"""Broadcasts, sent by the worker (``texting-broadcasts``, on every turn): each conversation
of an active broadcast campaign is checked when its turn comes (consent for texts, opt-outs,
landlines) and sent outside its recipient's quiet hours; one in quiet hours waits for their
morning (``not_before``) while the others go. Two workers never send one twice (rows locked,
skipped by the other)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select

from app.core.tasks import periodic_task
from app.extensions import db
from app.outreach.templates import MissingMergeField
from app.people.models import Person
from app.texting.campaigns import first_message
from app.texting.compliance import refusal, send_after
from app.texting.conversations import deliver
from app.texting.models import (
    Conversation,
    ConversationStatus,
    TextCampaign,
    TextCampaignKind,
    TextCampaignStatus,
)

#: Conversations one turn sends at most (the outbox delivers them after the commit).
BATCH = 500


@periodic_task("texting-broadcasts", every=timedelta(0))
def send_broadcasts(now: datetime | None = None) -> dict[str, int]:
    """Send what is due of every active broadcast; returns the counts."""
    now = now or datetime.now(UTC)
    counts = {"sent": 0, "skipped": 0, "waiting": 0}
    due = db.session.execute(
        select(Conversation, TextCampaign)
        .join(TextCampaign, TextCampaign.id == Conversation.campaign_id)
        .where(TextCampaign.kind == TextCampaignKind.BROADCAST)
        .where(TextCampaign.status == TextCampaignStatus.ACTIVE)
        .where(Conversation.status == ConversationStatus.NEEDS_MESSAGE)
        .where(or_(Conversation.not_before.is_(None), Conversation.not_before <= now))
        .order_by(Conversation.id)
        .limit(BATCH)
        .with_for_update(of=Conversation, skip_locked=True)
    ).all()
    for conversation, campaign in due:
        counts[_send_one(conversation, campaign, now)] += 1
    db.session.flush()
    return counts


def _send_one(conversation: Conversation, campaign: TextCampaign, now: datetime) -> str:
    reason = refusal(conversation.person_id, conversation.number, consent_required=True)
    if reason is not None:
        return _skip(conversation, reason)
    after = send_after(conversation.number, conversation.organization_id, now)
    if after is not None:
        conversation.not_before = after
        return "waiting"
    person = db.session.get(Person, conversation.person_id)
    try:
        text = first_message(campaign, person, None)
    except MissingMergeField:
        return _skip(conversation, "merge_field_missing")
    deliver(conversation, campaign, person, text, now)
    return "sent"


def _skip(conversation: Conversation, reason: str) -> str:
    opted_out = reason == "opted_out"
    conversation.status = ConversationStatus.OPTED_OUT if opted_out else ConversationStatus.CLOSED
    conversation.closed_reason = reason
    return "skipped"

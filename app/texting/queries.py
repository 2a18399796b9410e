"""Reads: texting campaigns with their figures, and the conversations a texter (or an
organiser) sees: never a confidential or merged-away person's (read at read time)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select

from app.accounts.models import User
from app.core.errors import PermissionDenied
from app.core.pagination import Page, paginate
from app.extensions import db
from app.outreach.templates import MissingMergeField, TemplateInvalid
from app.people.models import Person
from app.people.visibility import is_listable
from app.texting.campaigns import first_message
from app.texting.compliance import REASONS, refusal, send_after
from app.texting.conversations import OPEN, may_manage
from app.texting.delivery import price
from app.texting.models import (
    Conversation,
    ConversationStatus,
    TextCampaign,
    TextCampaignKind,
    TextCampaignStatus,
)

CAMPAIGN_SORTS = {"name": TextCampaign.name, "created_at": TextCampaign.created_at}
CONVERSATION_SORTS = {
    "last_message_at": Conversation.last_message_at,
    "status": Conversation.status,
    "last_name": Person.last_name,
}


def status_counts(campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ConversationStatus, 0))
    rows = db.session.execute(
        select(Conversation.campaign_id, Conversation.status, func.count())
        .where(Conversation.campaign_id.in_(campaign_ids))
        .group_by(Conversation.campaign_id, Conversation.status)
    )
    for campaign_id, status, n in rows:
        counts[campaign_id][status] = n
    return {i: {str(k): v for k, v in counts[i].items()} for i in campaign_ids}


def with_counts(campaigns: list[TextCampaign]) -> list[TextCampaign]:
    counts = status_counts([c.id for c in campaigns])
    for campaign in campaigns:
        campaign.counts = counts[campaign.id]  # for the schema
    return campaigns


def list_campaigns(organization_id: int, args: Mapping[str, Any]) -> Page:
    query = select(TextCampaign).where(TextCampaign.organization_id == organization_id)
    if args.get("status"):
        query = query.where(TextCampaign.status == args["status"])
    newest = [TextCampaign.created_at.desc(), TextCampaign.id.desc()]
    page = paginate(query, args, sortable=CAMPAIGN_SORTS, default_order=newest)
    with_counts(page.items)
    return page


def conversations(user: User, args: Mapping[str, Any]) -> Page:
    """``scope``: mine (what the user holds), inbox (sent, held by nobody) or all; the last
    two for organisers who manage texting."""
    scope = args.get("scope") or "mine"
    if scope != "mine" and not may_manage(user):
        raise PermissionDenied("Only organisers who manage texting see others' conversations.",
                               fields={"scope": [scope]})  # fmt: skip
    query: Select = (
        select(Conversation)
        .join(Person, Person.id == Conversation.person_id)
        .where(Conversation.organization_id == user.organization_id, is_listable())
    )
    if scope == "mine":
        query = query.where(Conversation.texter_id == user.id)
    elif scope == "inbox":
        query = query.where(Conversation.texter_id.is_(None), Conversation.status.in_(OPEN))
    for key in ("campaign_id", "status"):
        if args.get(key) is not None:
            query = query.where(getattr(Conversation, key) == args[key])
    return paginate(query, args, sortable=CONVERSATION_SORTS,
                    default_order=[Conversation.last_message_at.desc().nulls_last(),
                                   Conversation.id.asc()])  # fmt: skip


def thread(conversation: Conversation, user: User, now: datetime | None = None) -> dict[str, Any]:
    """A conversation as the texter sees it: the person's name, the thread, and for a first
    message not yet sent, that message as it will go (segments, cost), whether it may go now
    and, if not, why or from when."""
    now = now or datetime.now(UTC)
    person = db.session.get(Person, conversation.person_id)
    campaign = db.session.get(TextCampaign, conversation.campaign_id)
    consent = campaign.kind == TextCampaignKind.BROADCAST
    reason = refusal(person.id, conversation.number, consent_required=consent)
    after = send_after(conversation.number, conversation.organization_id, now)
    shown: dict[str, Any] = {
        "conversation": conversation,
        "person": person,
        "campaign_name": campaign.name,
        "campaign_active": campaign.status == TextCampaignStatus.ACTIVE,
        "messages": conversation.messages,
        "next_message": None,
        "cannot_send": REASONS[reason] if reason else None,
        "send_after": after,
    }
    if conversation.status == ConversationStatus.NEEDS_MESSAGE:
        try:
            body = first_message(campaign, person, user)
        except (MissingMergeField, TemplateInvalid) as exc:
            shown["cannot_send"] = exc.message
        else:
            shown["next_message"] = {"body": body, **vars(price(body))}
    return shown

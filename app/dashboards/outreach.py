"""The outreach panel: email campaigns and texting, per campaign and per week: delivered,
opened, clicked, unsubscribed, replied, opt-outs, and the texting response rate. An email
counts in the week it was sent; a text conversation in the week its first message went."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Date, cast, exists, func, select

from app.dashboards.scope import Scope, week_of
from app.dashboards.sources import time_zone
from app.dashboards.volunteers import people_filter
from app.extensions import db
from app.mailings.models import CampaignRecipient, EmailCampaign
from app.outreach.models import MessageStatus, OutboundMessage
from app.texting.models import (
    Conversation,
    ConversationStatus,
    Direction,
    TextCampaign,
    TextMessage,
)

EMAIL_MEASURES = ("sent", "delivered", "opened", "clicked", "unsubscribed", "replied", "bounced")
TEXT_MEASURES = ("messaged", "delivered", "replied", "opted_out")


def _day(zone: str, column):
    return cast(func.timezone(zone, column), Date)


def _email_sums(r):
    return (
        func.count(),
        func.count(r.delivered_at),
        func.count(r.opened_at),
        func.count(r.clicked_at),
        func.count(r.unsubscribed_at),
        func.count(r.replied_at),
        func.count(r.bounced),
    )


def _text_sums():
    # EXISTS of the rows themselves (an EXISTS over a count(*) would always be true).
    delivered = exists().where(
        TextMessage.conversation_id == Conversation.id,
        TextMessage.direction == Direction.OUT,
        OutboundMessage.id == TextMessage.outbound_message_id,
        OutboundMessage.status == MessageStatus.SENT,
    )
    replied = exists().where(
        TextMessage.conversation_id == Conversation.id, TextMessage.direction == Direction.IN
    )
    return (
        func.count(),
        func.count().filter(delivered),
        func.count().filter(replied),
        func.count().filter(Conversation.status == ConversationStatus.OPTED_OUT),
    )


def _email_query(scope: Scope, zone: str, *keys):
    r = CampaignRecipient
    query = (
        select(*keys, *_email_sums(r))
        .where(
            r.organization_id == scope.organization_id,
            r.sent_at.is_not(None),
            _day(zone, r.sent_at).between(scope.first, scope.last),
        )
        .group_by(*keys)
    )
    return people_filter(query, r.person_id, scope)


def _text_query(scope: Scope, zone: str, *keys):
    c = Conversation
    query = (
        select(*keys, *_text_sums())
        .where(
            c.organization_id == scope.organization_id,
            c.first_sent_at.is_not(None),
            _day(zone, c.first_sent_at).between(scope.first, scope.last),
        )
        .group_by(*keys)
    )
    return people_filter(query, c.person_id, scope)


def _with_rate(row: dict[str, Any]) -> dict[str, Any]:
    row["response_rate"] = round(row["replied"] / row["messaged"], 4) if row["messaged"] else None
    return row


def outreach_panel(scope: Scope) -> dict[str, Any]:
    zone = time_zone(scope.organization_id)
    r, c = CampaignRecipient, Conversation
    email_week = func.date_trunc("week", _day(zone, r.sent_at)).cast(Date)
    text_week = func.date_trunc("week", _day(zone, c.first_sent_at)).cast(Date)
    email_campaigns = db.session.execute(
        _email_query(scope, zone, EmailCampaign.id, EmailCampaign.name)
        .join(EmailCampaign, EmailCampaign.id == r.campaign_id)
        .order_by(EmailCampaign.id)
    ).all()
    text_campaigns = db.session.execute(
        _text_query(scope, zone, TextCampaign.id, TextCampaign.name)
        .join(TextCampaign, TextCampaign.id == c.campaign_id)
        .order_by(TextCampaign.id)
    ).all()
    email_weeks = {w: f for w, *f in db.session.execute(_email_query(scope, zone, email_week))}
    text_weeks = {w: f for w, *f in db.session.execute(_text_query(scope, zone, text_week))}
    email_days = {
        d: f for d, *f in db.session.execute(_email_query(scope, zone, _day(zone, r.sent_at)))
    }
    text_days = {d: f for d, *f in db.session.execute(
        _text_query(scope, zone, _day(zone, c.first_sent_at)))}  # fmt: skip
    weeks, monday = [], week_of(scope.first)
    while monday <= scope.last:
        email = dict(zip(EMAIL_MEASURES, email_weeks.get(monday, (0,) * 7), strict=True))
        text = dict(zip(TEXT_MEASURES, text_weeks.get(monday, (0,) * 4), strict=True))
        weeks.append({"week": monday, "email": email, "texts": _with_rate(text)})
        monday += timedelta(days=7)
    email_total = {m: sum(w["email"][m] for w in weeks) for m in EMAIL_MEASURES}
    text_total = {m: sum(w["texts"][m] for w in weeks) for m in TEXT_MEASURES}
    return {
        "total": {
            "email": email_total,
            "texts": _with_rate(text_total),
            "opt_outs": email_total["unsubscribed"] + text_total["opted_out"],
        },
        "email_campaigns": [
            {"campaign_id": i, "name": n, **dict(zip(EMAIL_MEASURES, f, strict=True))}
            for i, n, *f in email_campaigns
        ],
        "text_campaigns": [
            _with_rate({"campaign_id": i, "name": n, **dict(zip(TEXT_MEASURES, f, strict=True))})
            for i, n, *f in text_campaigns
        ],
        "by_week": weeks,
        "by_day": [
            {
                "day": d,
                "emails_sent": email_days.get(d, (0, 0))[0],
                "emails_delivered": email_days.get(d, (0, 0))[1],
                "texts_sent": text_days.get(d, (0, 0, 0))[0],
                "texts_replied": text_days.get(d, (0, 0, 0))[2],
            }
            for d in scope.days
        ],
    }

"""Reads: templates, campaigns, a campaign's results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from app.core.errors import NotFound
from app.core.pagination import Page, paginate
from app.extensions import db
from app.mailings.models import (
    CampaignRecipient,
    EmailCampaign,
    EmailTemplate,
    EngagementEvent,
    EngagementKind,
)


def get_template(organization_id: int, template_id: int) -> EmailTemplate:
    template = db.session.get(EmailTemplate, template_id)
    if template is None or template.organization_id != organization_id:
        raise NotFound("No such template.", code="template_not_found")
    return template


def list_templates(organization_id: int, args: Mapping[str, Any]) -> Page:
    stmt = select(EmailTemplate).where(EmailTemplate.organization_id == organization_id)
    return paginate(
        stmt,
        args,
        sortable={"name": EmailTemplate.name},
        default_order=[EmailTemplate.name, EmailTemplate.id],
    )


def get_campaign(organization_id: int, campaign_id: int) -> EmailCampaign:
    campaign = db.session.get(EmailCampaign, campaign_id)
    if campaign is None or campaign.organization_id != organization_id:
        raise NotFound("No such campaign.", code="campaign_not_found")
    return campaign


def list_campaigns(organization_id: int, args: Mapping[str, Any]) -> Page:
    stmt = select(EmailCampaign).where(EmailCampaign.organization_id == organization_id)
    if args.get("status"):
        stmt = stmt.where(EmailCampaign.status == args["status"])
    return paginate(
        stmt,
        args,
        sortable={"name": EmailCampaign.name, "created_at": EmailCampaign.created_at},
        default_order=[EmailCampaign.created_at.desc(), EmailCampaign.id.desc()],
    )


def _pairs(rows) -> dict:
    return {key: value for key, value in rows}


def campaign_results(campaign: EmailCampaign) -> dict[str, Any]:
    """Recipients by status, and the people each kind of engagement reached (opens are
    unreliable: mail clients fetch images themselves)."""
    statuses = _pairs(
        db.session.execute(
            select(CampaignRecipient.status, func.count())
            .where(CampaignRecipient.campaign_id == campaign.id)
            .group_by(CampaignRecipient.status)
        )
    )
    engaged = _pairs(
        db.session.execute(
            select(EngagementEvent.kind, func.count(func.distinct(EngagementEvent.recipient_id)))
            .where(EngagementEvent.campaign_id == campaign.id)
            .group_by(EngagementEvent.kind)
        )
    )
    bounces = _pairs(
        db.session.execute(
            select(CampaignRecipient.bounced, func.count())
            .where(
                CampaignRecipient.campaign_id == campaign.id, CampaignRecipient.bounced.is_not(None)
            )
            .group_by(CampaignRecipient.bounced)
        )
    )
    return {
        "recipients": {status.value: count for status, count in statuses.items()},
        "total": sum(statuses.values()),
        "engagement": {kind.value: engaged.get(kind, 0) for kind in EngagementKind},
        "bounced": {"hard": bounces.get("hard", 0), "soft": bounces.get("soft", 0)},
        "opens_are_unreliable": True,
    }

"""The campaign's fundraising settings: receipts on or off, their templates, the ask ladder."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from app.audit.operations import describe_changes, record_audit
from app.core.actor import Actor
from app.extensions import db
from app.fundraising.messages import check_template
from app.fundraising.models import FundraisingSettings
from app.people.operations import campaign_zone

TEMPLATE_FIELDS = (
    "thank_you_subject",
    "thank_you_body",
    "info_request_subject",
    "info_request_body",
)


def fundraising_settings(organization_id: int) -> FundraisingSettings:
    """The campaign's settings (the defaults until someone changes them)."""
    settings = db.session.get(FundraisingSettings, organization_id)
    if settings is None:
        settings = FundraisingSettings(organization_id=organization_id)
        db.session.add(settings)
        db.session.flush()
        db.session.refresh(settings)
    return settings


def update_fundraising_settings(actor: Actor, changes: dict[str, Any]) -> FundraisingSettings:
    """Change settings; a template is checked (parsed and tried on sample values) first. An
    empty template goes back to the default words."""
    for field in TEMPLATE_FIELDS:
        if changes.get(field):
            check_template(field, changes[field])
    settings = fundraising_settings(actor.organization_id)
    for name, value in changes.items():
        if name in TEMPLATE_FIELDS:
            value = value or None
        setattr(settings, name, value)
    audit = describe_changes(settings)
    db.session.flush()
    record_audit("fundraising_settings.update", entity=settings, changes=audit)
    return settings


def campaign_today(organization_id: int, now: datetime | None = None) -> date:
    """The day it is for the campaign (its time zone): gifts are dated so."""
    return (now or datetime.now(UTC)).astimezone(campaign_zone(organization_id)).date()

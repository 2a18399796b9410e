"""Verbs on templates and campaigns: make, change, preview, test, send (schedule), pause,
resume, cancel. They flush; the caller commits. Sending itself is the worker's
(``app.mailings.sending``)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parseaddr
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from app.audit.operations import describe_changes, record_audit
from app.core.actor import Actor
from app.core.errors import Conflict, DoorstepError, NotFound, ValidationError
from app.extensions import db
from app.mailings.audiences import AUDIENCES
from app.mailings.merge import Target, person_fields, shared_fields
from app.mailings.messages import Rendered, as_email, render_message
from app.mailings.models import (
    AudienceKind,
    CampaignRecipient,
    CampaignStatus,
    EmailCampaign,
    EmailTemplate,
    RecipientStatus,
)
from app.outreach.senders import DeliveryError, email_sender
from app.outreach.templates import check_template
from app.people.models import ConsentPurpose, Person, PersonEmail

PARTS = ("subject", "preheader", "html_body", "text_body")
_EDITABLE = (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)


class MailServerUnavailable(DoorstepError):
    status = 502
    code = "mail_server_unavailable"


def _check_parts(fields: dict[str, Any]) -> None:
    for part in PARTS:
        if part in fields:
            check_template(fields[part] or "", field=part, html=part == "html_body")


def create_template(actor: Actor, fields: dict[str, Any]) -> EmailTemplate:
    _check_parts(fields)
    template = EmailTemplate(
        organization_id=actor.organization_id, **{"preheader": "", "html_body": "", **fields}
    )
    db.session.add(template)
    db.session.flush()
    record_audit("email_template.create", entity=template, changes={"name": template.name})
    return template


def update_template(
    actor: Actor, template: EmailTemplate, changes: dict[str, Any]
) -> EmailTemplate:
    _check_parts(changes)
    for name, value in changes.items():
        setattr(template, name, value)
    summary = describe_changes(template)
    db.session.flush()
    if summary:
        record_audit("email_template.update", entity=template, changes=summary)
    return template


def _check_audience(organization_id: int, kind: AudienceKind, audience_id: int | None) -> None:
    if kind is not AudienceKind.VOLUNTEERS and audience_id is None:
        raise ValidationError(
            "Say which one.", fields={"audience_id": ["Required for this audience."]}
        )
    AUDIENCES[kind](organization_id, audience_id)  # a universe that is not there is refused


def create_campaign(actor: Actor, fields: dict[str, Any]) -> EmailCampaign:
    fields = dict(fields)
    fields["audience_kind"] = AudienceKind(fields["audience_kind"])
    fields["purpose"] = ConsentPurpose(fields["purpose"])
    template_id = fields.pop("template_id", None)
    if template_id is not None:
        template = db.session.get(EmailTemplate, template_id)
        if template is None or template.organization_id != actor.organization_id:
            raise ValidationError(
                "No such template.", fields={"template_id": ["No such template."]}
            )
        fields = {**{part: getattr(template, part) for part in PARTS}, **fields}
    missing = [part for part in ("subject", "text_body") if not fields.get(part)]
    if missing:
        raise ValidationError(
            "Give the subject and the text part (or a template).",
            fields={part: ["Required."] for part in missing},
        )
    _check_parts(fields)
    _check_audience(actor.organization_id, fields["audience_kind"], fields.get("audience_id"))
    default_name, default_address = parseaddr(current_app.config["DOORSTEP_MAIL_FROM"])
    campaign = EmailCampaign(
        organization_id=actor.organization_id,
        created_by_id=actor.user_id,
        status=CampaignStatus.DRAFT,
        preheader="",
        html_body="",
        from_name=default_name or "Doorstep",
        from_address=default_address,
        reply_to="",
        one_per_address=True,
        consented_only=True,
    )
    for name, value in fields.items():
        setattr(campaign, name, value)
    db.session.add(campaign)
    db.session.flush()
    record_audit(
        "email_campaign.create",
        entity=campaign,
        changes={"name": campaign.name, "audience_kind": campaign.audience_kind.value},
    )
    return campaign


def update_campaign(
    actor: Actor, campaign: EmailCampaign, changes: dict[str, Any]
) -> EmailCampaign:
    if campaign.status not in _EDITABLE:
        raise Conflict(
            f"A campaign that is {campaign.status.value} cannot be changed.",
            code="campaign_not_editable",
        )
    _check_parts(changes)
    if "audience_kind" in changes or "audience_id" in changes:
        _check_audience(
            actor.organization_id,
            changes.get("audience_kind", campaign.audience_kind),
            changes.get("audience_id", campaign.audience_id),
        )
    for name, value in changes.items():
        setattr(campaign, name, value)
    summary = describe_changes(campaign)
    db.session.flush()
    if summary:
        record_audit("email_campaign.update", entity=campaign, changes=summary)
    return campaign


def send_campaign(actor: Actor, campaign: EmailCampaign, at: datetime | None) -> EmailCampaign:
    """Send now (the worker's next turn) or at ``at``."""
    if campaign.status not in _EDITABLE:
        raise Conflict(
            f"A campaign that is {campaign.status.value} cannot be sent again.",
            code="campaign_not_editable",
        )
    if not current_app.config["DOORSTEP_MAIL_POSTAL_ADDRESS"].strip():
        raise ValidationError(
            "Set the campaign's postal address (DOORSTEP_MAIL_POSTAL_ADDRESS): "
            "every campaign email carries it.",
            code="postal_address_missing",
        )
    now = datetime.now(UTC)
    campaign.status = CampaignStatus.SCHEDULED
    campaign.scheduled_at = max(at, now) if at else now
    db.session.flush()
    record_audit(
        "email_campaign.send",
        entity=campaign,
        changes={"scheduled_at": campaign.scheduled_at.isoformat()},
    )
    return campaign


def _move(
    campaign: EmailCampaign, allowed: tuple[CampaignStatus, ...], to: CampaignStatus, action: str
) -> EmailCampaign:
    if campaign.status not in allowed:
        raise Conflict(
            f"A campaign that is {campaign.status.value} cannot be {action}.", code="campaign_state"
        )
    was = campaign.status
    campaign.status = to
    db.session.flush()
    record_audit(
        f"email_campaign.{action}",
        entity=campaign,
        changes={"status": {"from": was.value, "to": to.value}},
    )
    return campaign


def pause_campaign(actor: Actor, campaign: EmailCampaign) -> EmailCampaign:
    return _move(
        campaign,
        (CampaignStatus.SCHEDULED, CampaignStatus.SENDING),
        CampaignStatus.PAUSED,
        "paused",
    )


def resume_campaign(actor: Actor, campaign: EmailCampaign) -> EmailCampaign:
    to = CampaignStatus.SENDING if campaign.started_at else CampaignStatus.SCHEDULED
    return _move(campaign, (CampaignStatus.PAUSED,), to, "resumed")


def cancel_campaign(actor: Actor, campaign: EmailCampaign) -> EmailCampaign:
    """No more of it goes out; the rows not sent stay, as skipped."""
    _move(
        campaign,
        (*_EDITABLE, CampaignStatus.SENDING, CampaignStatus.PAUSED),
        CampaignStatus.CANCELLED,
        "cancelled",
    )
    db.session.execute(
        update(CampaignRecipient)
        .where(
            CampaignRecipient.campaign_id == campaign.id,
            CampaignRecipient.status.in_((RecipientStatus.PENDING, RecipientStatus.CLAIMED)),
        )
        .values(status=RecipientStatus.SKIPPED, last_error="Cancelled.")
    )
    campaign.finished_at = datetime.now(UTC)
    return campaign


def _target_for(campaign: EmailCampaign, person_id: int) -> Target:
    person = db.session.get(Person, person_id)
    if person is None or person.organization_id != campaign.organization_id:
        raise NotFound("No such person.", code="person_not_found")
    address = db.session.scalar(
        select(PersonEmail.address)
        .where(PersonEmail.person_id == person_id)
        .order_by(PersonEmail.is_primary.desc(), PersonEmail.id)
        .limit(1)
    )
    return Target(0, person.id, address or "")


def preview(campaign: EmailCampaign, person_id: int) -> Rendered:
    """What ``person_id`` would get (no tracking); a missing merge field is named (422)."""
    target = _target_for(campaign, person_id)
    now = datetime.now(UTC)
    fields = {
        **shared_fields(campaign.organization_id, _postal(), now),
        **person_fields([target]).get(target.person_id, {}),
    }
    return render_message(campaign, target, fields, track=False)


def test_send(actor: Actor, campaign: EmailCampaign, person_id: int, to: str) -> Rendered:
    """Send ``person_id``'s message to ``to`` now, marked as a test (no tracking)."""
    rendered = preview(campaign, person_id)
    target = Target(0, person_id, to)
    test = Rendered(
        f"[Test] {rendered.subject}",
        rendered.preheader,
        rendered.html,
        rendered.text,
        rendered.headers,
    )
    try:
        with email_sender().session() as deliver:
            deliver(as_email(campaign, target, test))
    except DeliveryError as exc:
        raise MailServerUnavailable(f"The mail server did not take it: {exc}") from None
    record_audit(
        "email_campaign.test_send", entity=campaign, changes={"to": to, "person_id": person_id}
    )
    return test


def _postal() -> str:
    return current_app.config["DOORSTEP_MAIL_POSTAL_ADDRESS"]

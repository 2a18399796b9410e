"""The demo campaign's email: forty of its voters with an address (``example.test``, which no
mail server delivers), a universe of them, and a campaign sent to them with results (opens,
clicks, a hard bounce, an unsubscribe), so the Email screen has something to show. Made once;
nothing leaves the machine (the messages are "sent" to no server)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.core.actor import Actor
from app.extensions import db
from app.mailings.engagement import record_bounce, record_engagement, unsubscribe
from app.mailings.models import CampaignRecipient, EmailCampaign, EngagementKind
from app.mailings.operations import create_campaign
from app.mailings.sending import send_campaign_for, start_campaign
from app.people.models import Person, PersonEmail
from app.universes.operations import create_universe

DEMO_CAMPAIGN = "Demo: Saturday canvass launch"
DEMO_TAG = "demo email list"
TEXT = (
    "Hi {{ first_name | default('neighbor') | title }},\n\nWe are knocking doors this Saturday"
    "{% if next_event %} ({{ next_event.name }}, {{ next_event.place }}){% endif %}. "
    "Come for an hour?\n"
)
HTML = (
    "<p>Hi {{ first_name | default('neighbor') | title }},</p><p>We are knocking doors this "
    "Saturday. <a href='https://example.test/volunteer'>Come for an hour?</a></p>"
)


def load_demo_email(organization_id: int) -> EmailCampaign | None:
    """The demo's sent campaign (None when the demo has no voters yet)."""
    done = db.session.scalar(
        select(EmailCampaign).where(
            EmailCampaign.organization_id == organization_id, EmailCampaign.name == DEMO_CAMPAIGN
        )
    )
    if done is not None:
        return done
    people = db.session.scalars(
        select(Person)
        .where(Person.organization_id == organization_id, Person.first_name.is_not(None))
        .order_by(Person.id)
        .limit(40)
    ).all()
    if not people:
        return None
    for n, person in enumerate(people):
        address = f"{person.first_name.lower()}.{n}@example.test".replace(" ", "")
        db.session.add(
            PersonEmail(
                organization_id=organization_id,
                person_id=person.id,
                address=address,
                consent=True,
                is_primary=True,
                source="demo",
            )
        )
        person.tags = [*person.tags, DEMO_TAG]
    db.session.flush()
    actor = Actor.system(organization_id, "cli:demo")
    universe = create_universe(actor, name="Demo email list", filter={"tags": {"any": [DEMO_TAG]}})
    campaign = create_campaign(
        actor,
        {
            "name": DEMO_CAMPAIGN,
            "purpose": "events",
            "audience_kind": "universe",
            "audience_id": universe.id,
            "subject": "This Saturday, {{ first_name | default('') | title }}?",
            "preheader": "One hour on the doors",
            "text_body": TEXT,
            "html_body": HTML,
            "from_name": "Demo Campaign",
            "from_address": "news@example.test",
        },
    )
    start_campaign(campaign, datetime.now(UTC) - timedelta(hours=1))
    db.session.commit()
    send_campaign_for(campaign.id, 60, deliver=lambda email: None)
    _results(campaign)
    return campaign


def _results(campaign: EmailCampaign) -> None:
    """Some of what comes back from a real send."""
    recipients = db.session.scalars(
        select(CampaignRecipient)
        .where(CampaignRecipient.campaign_id == campaign.id)
        .order_by(CampaignRecipient.id)
    ).all()
    org = campaign.organization_id
    for n, recipient in enumerate(recipients):
        record_engagement(
            org, EngagementKind.DELIVERED, address=recipient.address, recipient=recipient
        )
        if n % 2 == 0:
            record_engagement(
                org, EngagementKind.OPENED, address=recipient.address, recipient=recipient
            )
        if n % 5 == 0:
            record_engagement(
                org,
                EngagementKind.CLICKED,
                address=recipient.address,
                recipient=recipient,
                detail={"url": "https://example.test/volunteer"},
            )
    if len(recipients) > 3:
        record_bounce(org, recipients[1].address, hard=True, recipient_id=recipients[1].id)
        unsubscribe(recipients[3], source="one_click", words="List-Unsubscribe=One-Click")
    db.session.commit()

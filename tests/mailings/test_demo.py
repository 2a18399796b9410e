"""The demo's email campaign: sent to no server, with results to show."""

from __future__ import annotations

from app.mailings.demo import load_demo_email
from app.mailings.models import CampaignStatus
from app.mailings.queries import campaign_results
from tests.factories import create_person


def test_the_demo_campaign_is_sent_with_results(org):
    for n in range(6):
        create_person(org, first_name=f"Voter{n}")
    campaign = load_demo_email(org.id)
    assert campaign.status is CampaignStatus.SENT
    results = campaign_results(campaign)
    assert results["recipients"] == {"sent": 6}
    engagement = results["engagement"]
    assert engagement["opened"] == 3 and engagement["clicked"] == 2
    assert engagement["bounced"] == 1 and engagement["unsubscribed"] == 1
    assert load_demo_email(org.id).id == campaign.id  # made once

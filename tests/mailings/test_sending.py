"""Sending a campaign to a real SMTP sink: the audience less everyone who may not get it, one
message per address, honest headers and RFC 8058's, resumable and exactly once per recipient
through failures and a crash, within the rate limit; pause and cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from app.core.actor import Actor
from app.events.models import SignupStatus
from app.extensions import db
from app.mailings import sending
from app.mailings.audiences import audience_rows, count_audience
from app.mailings.models import CampaignRecipient, CampaignStatus, RecipientStatus
from app.mailings.operations import (
    cancel_campaign,
    create_campaign,
    pause_campaign,
    preview,
    resume_campaign,
    send_campaign,
)
from app.outreach.senders import DeliveryError
from app.people.consent import record_consent
from app.people.models import ConsentChannel, ConsentPurpose, Interaction, InteractionKind
from app.volunteers.models import VolunteerProfile
from tests.mailings.conftest import POSTAL
from tests.volunteers.conftest import START, add_signup, make_event


def start(director, campaign):
    send_campaign(Actor.of(director), campaign, None)
    sending.run_sending(datetime.now(UTC) + timedelta(seconds=1), budget_seconds=5)


def statuses(campaign):
    rows = db.session.execute(
        select(CampaignRecipient.address, CampaignRecipient.status).where(
            CampaignRecipient.campaign_id == campaign.id
        )
    )
    return {address: status for address, status in rows}


def _rows(campaign):
    return len(db.session.execute(audience_rows(campaign)).all())


def test_audience_leaves_out_who_may_not_get_it(campaign, people):
    """The count (from people.email_key, kept by a trigger) agrees with the rows a send writes,
    in each state."""

    def both():
        count = count_audience(campaign)
        assert count == _rows(campaign)
        return count

    assert both() == 3  # ada, ben, and one for the home address cy and di share
    campaign.one_per_address = False
    assert both() == 4
    record_consent(
        people["ben"],
        ConsentChannel.EMAIL,
        granted=False,
        purposes=[ConsentPurpose.UPDATES],
        source="preference_page",
    )
    assert both() == 3  # ben refused this campaign's purpose
    campaign.purpose = ConsentPurpose.EVENTS
    assert both() == 4
    campaign.consented_only = False
    assert both() == 5  # never-consented, not opted out
    record_consent(people["cy"], ConsentChannel.EMAIL, granted=False, source="one_click")
    campaign.consented_only = True
    assert both() == 3  # cy's address closed: di still has it


def test_send_delivers_each_address_once_with_honest_headers(smtp, director, campaign, people):
    start(director, campaign)
    assert sorted(smtp.to()) == ["ada@example.org", "ben@example.org", "home@example.org"]
    message = next(m for m in smtp.messages if m["To"] == "ada@example.org")
    assert message["From"] == "Ada for Council <news@ada.example>"
    assert message["Reply-To"] == "team@ada.example"
    assert message["Subject"] == "News for Ada"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<https://doorstep.test/u/")
    assert message.get_content_type() == "multipart/alternative"
    text, html = (part.get_payload(decode=True).decode() for part in message.get_payload())
    assert text.startswith("Hi Ada, see you soon.") and POSTAL in text
    assert POSTAL in html and "What is on this week" in html  # the postal address, preheader
    assert "https://doorstep.test/m/c/" in html and "/m/o/" in html  # signed link, pixel
    assert campaign.status is CampaignStatus.SENT
    sent = db.session.scalar(
        select(func.count()).where(
            Interaction.kind == InteractionKind.EMAIL, Interaction.result == "sent"
        )
    )
    assert sent == 3


def test_an_opt_out_during_the_send_stops_the_next_message(smtp, director, campaign, people):
    send_campaign(Actor.of(director), campaign, None)
    sending.start_campaign(campaign, datetime.now(UTC))
    record_consent(people["ben"], ConsentChannel.EMAIL, granted=False, source="one_click")
    sending.send_campaign_for(campaign.id, budget_seconds=5)
    assert "ben@example.org" not in smtp.to()
    assert statuses(campaign)["ben@example.org"] is RecipientStatus.SKIPPED


class Crash(BaseException):
    """What a killed worker looks like to the code after it: nothing more runs."""


def flaky(smtp_deliver, fail_at: int, error: BaseException):
    calls = []

    def deliver(email):
        calls.append(email["To"])
        if len(calls) == fail_at:
            raise error
        smtp_deliver(email)

    return deliver


def _collect(inbox):
    def deliver(email):
        inbox.append(email)

    return deliver


@pytest.mark.parametrize(
    "error", [DeliveryError("connection lost"), Crash()], ids=["error", "crash"]
)
def test_a_failure_mid_batch_sends_nobody_twice_and_skips_nobody(director, campaign, people, error):
    inbox = []
    send_campaign(Actor.of(director), campaign, None)
    sending.start_campaign(campaign, datetime.now(UTC))
    with pytest.raises(type(error)):
        sending.send_campaign_for(campaign.id, 5, deliver=flaky(_collect(inbox), 2, error))
    assert len(inbox) == 1
    if isinstance(error, Crash):  # the message in flight and the rest wait for the lease
        db.session.rollback()
        assert sorted(statuses(campaign).values()) == [
            RecipientStatus.CLAIMED, RecipientStatus.CLAIMED, RecipientStatus.SENT
        ]  # fmt: skip
    sending.send_campaign_for(campaign.id, 5, deliver=_collect(inbox), lease=timedelta(0))
    assert sorted(m["To"] for m in inbox) == [
        "ada@example.org",
        "ben@example.org",
        "home@example.org",
    ]
    assert set(statuses(campaign).values()) == {RecipientStatus.SENT}


def test_a_resent_message_keeps_its_message_id(director, campaign, people):
    """A crash after the server took a message but before its row said so: the one resend
    carries the same Message-ID, which receiving servers de-duplicate on."""
    inbox = []

    def crash_after_delivery(email):
        inbox.append(email)
        raise Crash()

    send_campaign(Actor.of(director), campaign, None)
    sending.start_campaign(campaign, datetime.now(UTC))
    with pytest.raises(Crash):
        sending.send_campaign_for(campaign.id, 5, deliver=crash_after_delivery)
    db.session.rollback()
    sending.send_campaign_for(campaign.id, 5, deliver=_collect(inbox), lease=timedelta(0))
    assert len(inbox) == 4 and inbox[0]["Message-ID"] == inbox[1]["Message-ID"]
    assert len({m["Message-ID"] for m in inbox}) == 3


def test_the_sliding_window_holds_the_rest_for_later(app, monkeypatch, director, campaign, people):
    monkeypatch.setitem(app.config, "DOORSTEP_MAIL_PER_MINUTE", 2)
    inbox = []
    send_campaign(Actor.of(director), campaign, None)
    sending.start_campaign(campaign, datetime.now(UTC))
    sending.send_campaign_for(campaign.id, 5, deliver=_collect(inbox))
    assert len(inbox) == 2 and campaign.status is CampaignStatus.SENDING
    monkeypatch.setitem(app.config, "DOORSTEP_MAIL_PER_MINUTE", 0)
    sending.send_campaign_for(campaign.id, 5, deliver=_collect(inbox))
    assert len(inbox) == 3


def test_pause_resume_and_cancel(director, campaign, people):
    actor, inbox = Actor.of(director), []
    send_campaign(actor, campaign, None)
    sending.start_campaign(campaign, datetime.now(UTC))
    pause_campaign(actor, campaign)
    assert sending.send_campaign_for(campaign.id, 5, deliver=_collect(inbox)) == 0
    resume_campaign(actor, campaign)
    assert campaign.status is CampaignStatus.SENDING
    cancel_campaign(actor, campaign)
    assert sending.send_campaign_for(campaign.id, 5, deliver=_collect(inbox)) == 0
    assert set(statuses(campaign).values()) == {RecipientStatus.SKIPPED}


def test_a_scheduled_campaign_waits_for_its_time(director, campaign, people):
    later = datetime.now(UTC) + timedelta(hours=2)
    send_campaign(Actor.of(director), campaign, later)
    assert sending.run_sending(datetime.now(UTC), budget_seconds=0)["started"] == 0
    assert sending.run_sending(later + timedelta(seconds=1), budget_seconds=0)["started"] == 1


def test_event_and_volunteer_audiences(org, director, people):
    """An event's sign-ups (not the cancelled ones), and every active volunteer."""

    event = make_event(org)
    add_signup(people["ada"], event.shifts[0])
    add_signup(people["ben"], event.shifts[0], status=SignupStatus.CANCELLED)
    add_signup(people["out"], event.shifts[0])  # opted out: not counted
    actor = Actor.of(director)
    parts = {"subject": "Hi", "text_body": "Hi", "purpose": "events"}
    by_event = create_campaign(
        actor, {"name": "Launch", "audience_kind": "event", "audience_id": event.id, **parts}
    )
    assert count_audience(by_event) == _rows(by_event) == 1
    db.session.add(VolunteerProfile(organization_id=org.id, person_id=people["ben"].id,
                                    feed_token="t" * 43))  # fmt: skip
    db.session.flush()
    crew = create_campaign(actor, {"name": "Crew", "audience_kind": "volunteers", **parts})
    assert count_audience(crew) == _rows(crew) == 1


def test_next_event_is_the_nearest_to_come(org, director, people):
    """A person with a place on the map gets the nearest event to come; one without, the
    campaign's next."""

    here = to_shape(people["cy"].household.address.point)
    make_event(org, name="Far and soon", start=START, lon=here.x + 0.5, lat=here.y)
    make_event(org, name="Near and later", start=START + timedelta(days=2), lon=here.x,
               lat=here.y + 0.001)  # fmt: skip
    text = "{% if next_event %}{{ next_event.name }}{% endif %}"
    campaign = create_campaign(Actor.of(director), {
        "name": "Events", "purpose": "events", "audience_kind": "volunteers",
        "subject": "Hi", "text_body": text,
    })  # fmt: skip
    assert preview(campaign, people["cy"].id).text.startswith("Near and later")
    assert preview(campaign, people["ada"].id).text.startswith("Far and soon")

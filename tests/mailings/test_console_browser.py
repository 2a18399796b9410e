"""The console's Email screen in Debian's chromium: a director writes a campaign to a universe,
sees how many it goes to, previews it as one of them (a missing merge field named), sends it,
and reads the results; an organiser drafts but has no Send; a canvasser has no Email tab."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.auth.permissions import Role
from app.core.actor import Actor
from app.extensions import db
from app.mailings.links import recipient_token
from app.mailings.models import CampaignRecipient
from app.mailings.operations import create_campaign
from app.mailings.sending import run_sending, send_campaign_for, start_campaign
from app.universes.models import Universe
from app.universes.operations import create_universe
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.factories import PASSWORD, create_organization, create_person, create_user
from tests.mailings.conftest import POSTAL, add_email

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(make_database):
    def seed():
        org = create_organization("Email Campaign")
        dana = create_user(org, Role.DIRECTOR, email="dana@email.test", name="Dana Director")
        create_user(org, Role.ORGANIZER, email="olga@email.test", name="Olga Organiser")
        create_user(org, Role.CANVASSER, email="cal@email.test", name="Cal Canvass")
        for first in ("Ada", "Ben", None):
            person = create_person(org, first_name=first, last_name="Voter", tags=["news"])
            add_email(person, f"{(first or 'anon').lower()}@example.org")
        create_universe(Actor.of(dana), name="News list", filter={"tags": {"any": ["news"]}})

    settings = {"DOORSTEP_MAIL_POSTAL_ADDRESS": POSTAL, "DOORSTEP_MAIL_PER_MINUTE": 0,
                "DOORSTEP_MAIL_PER_HOUR": 0}  # fmt: skip
    for server in serve(make_database, "doorstep_email", **settings):
        server.run(seed)
        yield server


def sign_in(page, base: str, email: str, hash_: str = "#/email") -> None:
    page.goto(f"{base}/console{hash_}")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#console:not([hidden])")


def test_a_director_writes_previews_sends_and_reads_results(live, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live.url, "dana@email.test", "#/email/new")
    form = page.locator("#campaign-form")
    form.wait_for(state="visible")
    form.locator("input[name=name]").fill("Saturday canvass")
    page.select_option("#campaign-form select[name=audience_id]", label="News list")
    form.locator("input[name=from_name]").fill("Ada for Council")
    form.locator("input[name=from_address]").fill("news@ada.example")
    form.locator("input[name=subject]").fill("Saturday, {{ first_name }}")
    form.locator("textarea[name=text_body]").fill("Hi {{ first_name }}, see you at 10.")
    form.locator("textarea[name=html_body]").fill("<p>Hi <b>{{ first_name }}</b></p>")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_selector("#audience-count:has-text('3 recipients now')")
    assert page.locator("#campaigns tr").count() == 1

    # The third person has no first name: the preview names the field instead of "Hi ,".
    page.select_option("#preview-as", label="Ada Voter")
    page.get_by_role("button", name="Preview", exact=True).click()
    page.wait_for_selector("#preview-out:not([hidden])")
    assert page.locator("#preview-subject").inner_text() == "Saturday, Ada"
    assert page.locator("#preview-html").is_visible()
    assert "Hi Ada, see you at 10." in page.locator("#preview-text").inner_text()
    assert POSTAL in page.locator("#preview-text").inner_text()
    page.select_option("#preview-as", label="Voter")
    page.get_by_role("button", name="Preview", exact=True).click()
    page.wait_for_selector("#preview-status.error")
    assert "merge field" in page.locator("#preview-status").inner_text()
    assert not page.locator("#preview-out").is_visible()

    # Fix the template, then send; the worker's turn sends it and the screen follows.
    form.locator("textarea[name=text_body]").fill("Hi {{ first_name | default('friend') }}.")
    form.locator("input[name=subject]").fill("Saturday, {{ first_name | default('friend') }}")
    form.locator("textarea[name=html_body]").fill("<p>Hi {{ first_name | default('friend') }}</p>")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_selector("#campaign-status:has-text('Saved.')")
    page.get_by_role("button", name="Send now").click()
    page.wait_for_selector("#send-status:has-text('Sending')")
    assert not page.get_by_role("button", name="Send now").is_visible()
    live.run(lambda: run_sending(datetime.now(UTC) + timedelta(seconds=1), budget_seconds=10))
    page.wait_for_selector("#campaigns .campaign-status:has-text('Sent')", timeout=15000)
    page.wait_for_selector("#campaign-results:not([hidden])")
    assert page.locator("#results").is_visible()
    assert page.locator("#results tr:has-text('Sent') td").nth(1).inner_text() == "3"
    assert not form.locator("input[name=subject]").is_enabled()  # a sent campaign is history
    assert errors == []
    page.close()


def test_an_organiser_drafts_but_does_not_send(live, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    sign_in(page, live.url, "olga@email.test")
    assert "Email" in page.locator("#tabs a:visible").all_inner_texts()
    page.locator("#campaigns a").first.click()
    page.wait_for_selector("#campaign-preview:not([hidden])")
    assert not page.locator("#campaign-send").is_visible()
    page.close()


def test_a_canvasser_has_no_email_screen(live, browser):  # noqa: F811
    page = browser.new_page()
    sign_in(page, live.url, "cal@email.test")
    page.wait_for_selector("#console:not([hidden])")
    assert "Email" not in page.locator("#tabs a:visible").all_inner_texts()
    assert not page.locator("#screen-email").is_visible()
    page.close()


def test_the_preference_page_from_an_email(live, browser):  # noqa: F811
    """The link at the foot of a message: choose purposes, or leave every list."""

    def sent_token() -> str:
        dana = db.session.scalar(select(User).where(User.email == "dana@email.test"))
        universe = db.session.scalar(select(Universe).where(Universe.name == "News list"))
        campaign = create_campaign(Actor.of(dana), {
            "name": "Prefs", "purpose": "fundraising", "audience_kind": "universe",
            "audience_id": universe.id, "subject": "Hi", "text_body": "Hi",
        })  # fmt: skip
        start_campaign(campaign, datetime.now(UTC))
        send_campaign_for(campaign.id, 10, deliver=lambda email: None)
        recipient = db.session.scalar(
            select(CampaignRecipient).where(
                CampaignRecipient.campaign_id == campaign.id,
                CampaignRecipient.address == "ben@example.org",
            )
        )
        return recipient_token(recipient.id)

    token = live.run(sent_token)
    page = browser.new_page()
    page.goto(f"{live.url}/u/{token}")
    assert page.get_by_text("ben@example.org").is_visible()
    page.get_by_label("Fundraising appeals").uncheck()
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#done:has-text('Saved.')")
    assert not page.get_by_label("Fundraising appeals").is_checked()
    assert page.get_by_label("Invitations to events").is_checked()
    page.get_by_role("button", name="Unsubscribe from all email").click()
    page.wait_for_selector("#done:has-text('no more email')")
    page.close()

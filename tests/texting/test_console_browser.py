"""The console's Texting and Follow-ups screens in Debian's chromium: a volunteer texter (a
canvasser) claims a batch, sees the first message as it will go (its segment and cost), sends
it with one tap and sees it in the thread; a director reads what a rule did, writes a new rule
(a bad one's error shown beside the field it names) and turns one off."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.accounts.models import User
from app.auth.permissions import Role
from app.automation.rules import create_rule
from app.core.actor import Actor
from app.extensions import db
from app.people.models import PersonPhone
from app.texting.campaigns import create_campaign, start_campaign
from app.universes.operations import create_universe
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.factories import PASSWORD, create_organization, create_person, create_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(make_database):
    """A campaign with a started text bank of two people and one rule (no quiet hours: the
    browser sends at whatever time the test runs)."""

    def seed():
        org = create_organization("Friends of Ada")
        dana = create_user(org, Role.DIRECTOR, email="dana@texting.test", name="Dana Director")
        create_user(org, Role.CANVASSER, email="kim@texting.test", name="Kim Texter")
        for name, number in (("Rosa", "+12155550101"), ("Sam", "+12155550102")):
            person = create_person(org, first_name=name, last_name="Voter")
            db.session.add(PersonPhone(organization_id=org.id, person_id=person.id,
                                       number=number, kind="mobile"))  # fmt: skip
        db.session.flush()
        actor = Actor.of(dana)
        universe = create_universe(actor, name="Everyone", filter={})
        campaign = create_campaign(actor, {
            "name": "Spring bank", "kind": "peer", "universe_id": universe.id,
            "first_message": "Hi {{ first_name }}, it's {{ texter_name }} with Friends of Ada!",
            "contact": "info@friendsofada.org",
            "canned_responses": [{"title": "Where to vote", "body": "vote.example.org"}],
        })  # fmt: skip
        start_campaign(actor, campaign, datetime.now(UTC))
        create_rule(actor, {"name": "Thank volunteers", "trigger": "contact",
                            "trigger_params": {"answers": {"volunteer": ["yes"]}},
                            "conditions": {}, "delay_minutes": 1440, "action": "add_tag",
                            "action_params": {"tag": "Thanked"}})  # fmt: skip
        return campaign.id

    for server in serve(make_database, "doorstep_texting", DOORSTEP_QUIET_HOURS=""):
        yield server, server.run(seed)


def sign_in(page, base: str, email: str, screen: str) -> None:
    page.goto(f"{base}/console#/{screen}")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#console:not([hidden])")


def test_a_volunteer_texter_claims_and_sends_with_one_tap(live, browser):  # noqa: F811
    server, campaign_id = live
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, server.url, "kim@texting.test", "texting")
    assert page.locator("#tabs a:visible").all_inner_texts() == ["Texting"]
    assert page.locator("#screen-texting").is_visible()
    assert not page.locator("#text-campaign-form").is_visible()  # organisers write campaigns
    assert not page.locator("#inbox-filters").is_visible()

    campaign = page.locator(f"li.campaign[data-campaign-id='{campaign_id}']")
    campaign.locator("button:has-text('Claim 25')").click()
    page.wait_for_selector("#texting-status:has-text('2 conversations are yours')")
    rows = page.locator("#conversations tr")
    assert rows.count() == 2 and "To send" in rows.first.inner_text()
    rows.filter(has_text="Rosa").click()
    upcoming = page.locator("#next-message")
    upcoming.wait_for()
    assert upcoming.is_visible()
    assert upcoming.inner_text() == ("Hi Rosa, it's Kim with Friends of Ada! "
                                     "Reply STOP to opt out.")  # fmt: skip
    assert page.locator("#next-segments").inner_text() == "1 segment (GSM-7), 0.0083"
    assert "+1215" not in page.locator("#thread").inner_text()  # a volunteer sees no number

    page.click("#send-first")
    sent = page.locator(".message.out")
    sent.wait_for()
    assert sent.is_visible() and sent.inner_text().startswith("Hi Rosa")
    assert not page.locator("#send-first").is_visible()
    assert page.locator("button.canned:has-text('Where to vote')").is_visible()
    assert "Sent" in page.locator("#conversations tr", has_text="Rosa").inner_text()
    assert errors == []
    page.close()


def test_a_director_reads_and_writes_follow_up_rules(live, browser):  # noqa: F811
    server, _ = live
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, server.url, "dana@texting.test", "rules")
    assert {"Texting", "Follow-ups"} <= set(page.locator("#tabs a:visible").all_inner_texts())
    rule = page.locator("#rules tr", has_text="Thank volunteers")
    rule.wait_for()
    assert rule.is_visible() and "1 d" in rule.inner_text()

    form = page.locator("#rule-form")
    form.locator("input[name=name]").fill("Tag new sign-ups")
    form.locator("select[name=trigger]").select_option("signup")
    form.locator("select[name=action]").select_option("add_tag")
    form.locator("textarea[name=action_params]").fill('{"colour": "red"}')
    form.locator("button[type=submit]").click()
    problem = form.locator(".field-error[data-field='action_params.colour']")
    problem.wait_for()
    assert problem.is_visible()
    form.locator("textarea[name=action_params]").fill('{"tag": "New"}')
    form.locator("button[type=submit]").click()
    added = page.locator("#rules tr", has_text="Tag new sign-ups")
    added.wait_for()
    assert added.is_visible() and not problem.is_visible()

    rule.locator("button:has-text('Turn off')").click()
    page.wait_for_selector("#rules tr:has-text('Thank volunteers') button:has-text('Turn on')")
    assert server.run(lambda: db.session.query(User).count()) == 2
    assert errors == []
    page.close()

"""The public event page and a sign-up's page in Debian's chromium: pick a shift, sign up
with no account, open the sign-up from its link, cancel it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.actor import Actor
from app.events.models import Signup, SignupStatus
from app.extensions import db
from app.people.models import Person
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.factories import create_organization

pytestmark = pytest.mark.browser
START = datetime(2027, 3, 6, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def live(make_database):
    def seed():
        from app.events.operations import create_event

        org = create_organization("Page Campaign")
        shifts = [
            {"starts_at": START + timedelta(hours=h), "ends_at": START + timedelta(hours=h + 2),
             "role": role, "capacity": 10}
            for h, role in ((0, "canvasser"), (2, "driver"))
        ]  # fmt: skip
        fields = {"name": "Saturday launch", "kind": "canvass_launch",
                  "place_name": "Field office", "shifts": shifts}  # fmt: skip
        event = create_event(Actor.system(org.id, "test"), fields)
        return event.code

    for server in serve(make_database, "doorstep_event_pages"):
        yield server, server.run(seed)


def test_sign_up_then_cancel_from_the_link(live, browser):  # noqa: F811
    server, code = live
    page = browser.new_page(viewport={"width": 400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.url}/events/{code.lower()}")
    page.wait_for_selector("h1:has-text('Saturday launch')")
    assert page.locator("#shifts label").count() == 2
    page.click("#shifts label:has-text('canvasser') input")
    page.fill("input[name=first_name]", "Rosa")
    page.fill("input[name=last_name]", "Diaz")
    page.fill("input[name=email]", "rosa@example.org")
    page.check("input[name=email_consent]")
    page.click("button[type=submit]")
    page.wait_for_selector("#result h2:has-text('Thank you')")
    assert "You're signed up." in page.inner_text("#result")

    page.click("#result a:has-text('Your sign-up')")
    page.wait_for_selector(".status[data-status=registered]")
    assert page.get_attribute("#calendar", "href").endswith("/calendar.ics")
    page.click("#cancel")
    page.wait_for_selector(".status[data-status=cancelled]")
    assert page.is_hidden("#cancel")

    def stored():
        people = db.session.scalars(select(Person.first_name)).all()
        statuses = db.session.scalars(select(Signup.status)).all()
        return people, statuses

    assert server.run(stored) == (["Rosa"], [SignupStatus.CANCELLED])
    assert errors == []
    page.close()

"""The open volunteer form in Debian's chromium: fill it in with no account, tick skills and
days; the campaign has one volunteer, matched by email when the same person comes back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.people.models import Person
from app.volunteers.models import VolunteerProfile
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.factories import create_organization

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(make_database):
    for server in serve(make_database, "doorstep_volunteer_pages"):
        yield server, server.run(lambda: create_organization("Form Campaign").slug)


def fill(page, url, email, skills):
    page.goto(url)
    page.wait_for_selector("form#volunteer:not([hidden])")
    page.fill("input[name=first_name]", "Rosa")
    page.fill("input[name=last_name]", "Diaz")
    page.fill("input[name=email]", email)
    for skill in skills:
        page.check(f"input[name=skill][value={skill}]")
    page.check("input[name=day][value='5']")  # Saturday
    page.check("input[name=email_consent]")
    page.click("button[type=submit]")
    page.wait_for_selector("#result h2")


def test_the_open_form_makes_one_volunteer(live, browser):  # noqa: F811
    server, slug = live
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    url = f"{server.url}/volunteer/{slug}"
    fill(page, url, "rosa@example.org", ["canvassing"])
    assert page.inner_text("#result h2") == "Thank you, Rosa!"
    fill(page, url, "ROSA@example.org", ["driving"])  # back a week later

    def stored():
        people = db.session.scalar(select(func.count()).select_from(Person))
        profile = db.session.scalar(select(VolunteerProfile))
        return people, sorted(profile.skills), profile.availability["weekly"]

    people, skills, weekly = server.run(stored)
    assert (people, skills) == (1, ["canvassing", "driving"])
    assert [w["day"] for w in weekly] == [5]
    assert errors == []
    page.close()

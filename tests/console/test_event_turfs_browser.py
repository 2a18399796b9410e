"""A canvass launch's turfs chosen in the console's event form, in Debian's chromium: the
choice shows for a canvass launch only, each turf with its walk lists; the event's screen
says which turfs check-in hands lists from; changing the event changes them (and its seats
for people who confirm first)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.auth.permissions import Role
from app.events.models import Event
from app.extensions import db
from app.turfs.models import Turf, TurfCut
from app.walklists.models import WalkList, WalkListKind
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.factories import PASSWORD, create_organization, create_user

pytestmark = pytest.mark.browser
NEW_YORK = ZoneInfo("America/New_York")
START = (datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)


@pytest.fixture(scope="module")
def live(make_database):
    """A served app with an organiser and two turfs: West with two walk lists, East with one."""

    def seed():
        org = create_organization("Turf Campaign")
        create_user(org, Role.ORGANIZER, email="olga@turfs.test", name="Olga Organiser")
        square = "SRID=4326;MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)))"
        cut = TurfCut(organization_id=org.id, name="launch", target=50, area=square)
        db.session.add(cut)
        db.session.flush()
        turfs = {}
        for name, lists in (("West", ["West 1", "West 2"]), ("East", ["East 1"])):
            turf = Turf(organization_id=org.id, name=name, cut_id=cut.id, geom=square)
            db.session.add(turf)
            db.session.flush()
            turfs[name] = turf.id
            for list_name in lists:
                db.session.add(WalkList(
                    organization_id=org.id, name=list_name, kind=WalkListKind.TURF,
                    code=f"TURF{list_name[0]}{list_name[-1]}X7", turf_id=turf.id,
                    expires_at=datetime.now(UTC) + timedelta(days=5),
                ))  # fmt: skip
        db.session.flush()
        return turfs

    for server in serve(make_database, "doorstep_event_turfs"):
        yield server, server.run(seed)


def event_turfs(name: str) -> list[str]:
    event = db.session.scalar(select(Event).where(Event.name == name))
    return [turf.name for turf in event.turfs]


def confirms_first(name: str) -> bool:
    return db.session.scalar(select(Event.confirm_before_seat).where(Event.name == name))


def test_an_organiser_gives_a_canvass_launch_its_turfs(live, browser):  # noqa: F811
    server, _ = live
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.url}/console")
    page.fill("input[name=email]", "olga@turfs.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#who:has-text('Olga Organiser')")
    page.click("#tabs a[data-screen=events]")
    page.click("#new-event")
    page.wait_for_selector("#event-form:not([hidden])")
    form = page.locator("#event-form")
    choices = page.locator("#event-form-turfs")

    # A rally hands out no lists: no turfs to choose.
    form.locator("[name=kind]").select_option("rally")
    assert not choices.is_visible() and choices.bounding_box() is None
    form.locator("[name=kind]").select_option("canvass_launch")
    page.wait_for_selector("#event-form-turfs label:has-text('East')")
    assert choices.is_visible()
    labels = choices.locator("label").all_inner_texts()
    assert [text.strip() for text in labels] == [
        "East (1 walk list: East 1)",
        "West (2 walk lists: West 1, West 2)",
    ]
    west = choices.locator("label:has-text('West') input")
    box = west.bounding_box()
    assert box is not None and box["width"] > 5 and box["height"] > 5

    form.locator("[name=name]").fill("Turf launch")
    shift = page.locator("#shift-rows .shift-row").first
    shift.locator("[name=starts_at]").fill(START.astimezone(NEW_YORK).strftime("%Y-%m-%dT%H:%M"))
    ends = START + timedelta(hours=3)
    shift.locator("[name=ends_at]").fill(ends.astimezone(NEW_YORK).strftime("%Y-%m-%dT%H:%M"))
    west.check()
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#event-turfs:has-text('West')")
    assert page.inner_text("#event-turfs") == "Walk lists handed out at check-in from: West."
    assert server.run(lambda: event_turfs("Turf launch")) == ["West"]
    assert server.run(lambda: confirms_first("Turf launch")) is False

    # Changed: East instead of West.
    page.click("#edit-event")
    page.wait_for_selector("#event-form-turfs label:has-text('East')")
    west = choices.locator("label:has-text('West') input")
    east = choices.locator("label:has-text('East') input")
    assert west.is_visible() and west.is_checked() and not east.is_checked()
    west.uncheck()
    east.check()
    confirm_first = form.locator("[name=confirm_before_seat]")
    assert confirm_first.is_visible() and not confirm_first.is_checked()
    confirm_first.check()
    page.click("#event-form-submit")
    page.wait_for_selector("#event-turfs:has-text('East')")
    assert page.inner_text("#event-turfs") == "Walk lists handed out at check-in from: East."
    assert server.run(lambda: event_turfs("Turf launch")) == ["East"]
    assert server.run(lambda: confirms_first("Turf launch")) is True
    assert errors == []
    page.close()

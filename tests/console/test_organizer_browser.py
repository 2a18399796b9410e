"""The console's Events and Volunteers screens in Debian's chromium: an organiser makes an
event with two shifts (the first has two seats and is over, the second is on now), watches
sign-ups and a check-in made through the API arrive in the live view, checks the volunteer
out, marks the no-shows, then finds volunteers by skill and language and opens one's history.

The browser runs in Berlin and the event in Chicago: the times typed are the event's.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.auth.permissions import Role
from app.events.models import CheckIn, Event, Signup, SignupStatus
from app.events.operations import sign_up
from app.extensions import db
from app.people.models import Person
from app.volunteers.operations import create_profile, create_team
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.factories import PASSWORD, auth_headers, create_organization, create_user

pytestmark = pytest.mark.browser
CHICAGO = ZoneInfo("America/Chicago")
NAME = "Saturday <b>canvass</b>"  # shown as typed, never as markup


@pytest.fixture(scope="module")
def live(make_database):
    """A served app with an organiser, a canvasser and a team, committed."""

    def seed():
        org = create_organization("Organizer Campaign")
        olga = create_user(org, Role.ORGANIZER, email="olga@organizer.test", name="Olga Organiser")
        kim = create_user(org, Role.CANVASSER, email="kim@organizer.test", name="Kim Canvass")
        team = create_team(org.id, {"name": "West Philly team"})
        return {"organizer": olga.id, "canvasser": kim.id, "team": team.id}

    for server in serve(make_database, "doorstep_organizer"):
        yield server, server.run(seed)


def sign_up_three(event_id: int, ids: dict) -> dict[str, list[int]]:
    """Rosa and Ann take the first shift's two seats, Wes waits; Ann is on the second too
    (they signed up the day before: a shift that is over takes no sign-ups).
    Then they are volunteers: Rosa and Wes canvass, Ann phones; Rosa speaks Spanish."""
    event = db.session.get(Event, event_id)
    first, second = event.shifts
    day_before = first.starts_at - timedelta(days=1)
    people = {
        "Rosa": ("Diaz", [first.id], {"skills": ["canvassing"], "languages": ["es"],
                                      "team_ids": [ids["team"]], "user_id": ids["canvasser"],
                                      "organizer_user_id": ids["organizer"]}),
        "Ann": ("Lee", [first.id, second.id], {"skills": ["phone_banking"]}),
        "Wes": ("Park", [first.id], {"skills": ["canvassing", "driving"]}),
    }  # fmt: skip
    made = {}
    for first_name, (last_name, shift_ids, profile) in people.items():
        signups, _ = sign_up(
            event,
            {
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{first_name.lower()}@example.org",
                "email_consent": False,
                "sms_consent": False,
                "shift_ids": shift_ids,
            },
            now=day_before,
        )
        create_profile(db.session.get(Person, signups[0].person_id), profile)
        made[first_name] = [s.id for s in signups]
    return made


def rows(page, selector: str) -> list[list[str]]:
    return [row.locator("td").all_inner_texts() for row in page.locator(selector).all()]


def figures(page, selector: str) -> dict[str, str]:
    return dict(row.split("\t") for row in page.inner_text(selector).splitlines())


def test_an_organizer_runs_an_event_and_finds_its_volunteers(live, browser):  # noqa: F811
    server, ids = live
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    first = (now - timedelta(hours=3), now - timedelta(hours=1))
    second = (now - timedelta(minutes=30), now + timedelta(hours=2))

    def typed(moment: datetime) -> str:
        return moment.astimezone(CHICAGO).strftime("%Y-%m-%dT%H:%M")

    def shown(moment: datetime) -> re.Pattern:  # 10:40 in Chicago, never Berlin's 17:40
        return re.compile(rf"(?<!\d){moment.astimezone(CHICAGO):%-I:%M}(?!\d)")

    context = browser.new_context(viewport={"width": 1500, "height": 1000},
                                  timezone_id="Europe/Berlin")  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda request: errors.append(f"failed {request.url}"))
    offsite: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(server.url) else offsite.append(r.url))

    page.goto(f"{server.url}/console")
    page.fill("input[name=email]", "olga@organizer.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#who:has-text('Olga Organiser')")
    assert page.locator("#tabs a:visible").all_inner_texts() == [
        "Map", "Events", "Volunteers", "People", "Paper", "Texting", "Email", "Mail drops",
        "Links", "Dashboard"]  # fmt: skip

    # ---- a new event with two shifts ----
    page.click("#tabs a[data-screen=events]")
    page.wait_for_selector("#events-status:has-text('No events')")
    page.click("#new-event")
    page.wait_for_selector("#event-form:not([hidden])")
    form = page.locator("#event-form")
    assert form.locator("[name=time_zone]").input_value() == "America/New_York"  # the campaign's
    form.locator("[name=name]").fill(NAME)
    form.locator("[name=kind]").select_option("canvass_launch")
    form.locator("[name=place_name]").fill("Clark Park")
    form.locator("[name=address]").fill("4300 Baltimore Ave")
    form.locator("[name=lat]").fill("39.9483")
    form.locator("[name=lon]").fill("-75.2167")
    form.locator("[name=time_zone]").select_option("America/Chicago")
    form.locator("[name=visibility]").select_option("public")
    page.click("#add-shift")
    for row, role, (start, end), seats in (
        (0, "canvasser", first, "2"),
        (1, "phone banker", second, ""),
    ):
        shift = page.locator("#shift-rows .shift-row").nth(row)
        shift.locator("[name=role]").fill(role)
        shift.locator("[name=starts_at]").fill(typed(start))
        shift.locator("[name=ends_at]").fill(typed(end))
        shift.locator("[name=capacity]").fill(seats)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#event-detail:not([hidden]) #event-name")
    assert page.inner_text("#event-name") == NAME
    assert page.locator("#event-detail b, #events b").count() == 0
    page.wait_for_selector("#events tr:has-text('Saturday')")
    [listed] = rows(page, "#events tr")
    assert listed[0] == NAME and listed[1:] == ["Canvass launch", listed[2], "Scheduled",
                                               "0 signed up"]  # fmt: skip
    assert shown(first[0]).search(listed[2]) and shown(second[1]).search(listed[2])

    def made():
        event = db.session.scalar(select(Event))
        return {
            "id": event.id, "code": event.code, "zone": event.time_zone,
            "shifts": [(s.role, s.starts_at, s.ends_at, s.capacity, s.has_waitlist)
                       for s in event.shifts],
        }  # fmt: skip

    event = server.run(made)
    assert event["zone"] == "America/Chicago"
    assert event["shifts"] == [("canvasser", *first, 2, True),
                               ("phone banker", *second, None, True)]  # fmt: skip
    assert page.get_attribute("#event-public", "href") == f"/events/{event['code']}"
    shifts = rows(page, "#event-shifts tbody tr")
    assert [s[2] for s in shifts] == ["2 of 2", "no limit"]
    assert shown(first[0]).search(shifts[0][1]) and shown(first[1]).search(shifts[0][1])

    # ---- sign-ups, then a check-in through the API: the live view follows by itself ----
    signups = server.run(lambda: sign_up_three(event["id"], ids))
    headers = server.run(lambda: auth_headers(db.session.get(User, ids["organizer"])))
    checked = server.app.test_client().post(
        f"/api/v1/events/{event['id']}/check-ins",
        headers=headers,
        json={"device_id": "door-tablet", "records": [{
            "uuid": str(uuid.uuid4()), "method": "search", "signup_id": signups["Rosa"][0],
            "at": (first[0] + timedelta(minutes=5)).isoformat()}]},
    )  # fmt: skip
    assert checked.status_code == 200 and checked.json["results"][0]["status"] == "applied"
    page.wait_for_selector("#live-check-ins:has-text('Rosa Diaz')", timeout=25_000)
    # Role, when, left, then registered, confirmed, waitlisted, completed, no-show, cancelled.
    shifts = rows(page, "#event-shifts tbody tr")
    assert [[s[0], *s[2:-1]] for s in shifts] == [  # the last: "Change"
        ["canvasser", "0 of 2", "1", "0", "1", "1", "0", "0"],
        ["phone banker", "no limit", "1", "0", "0", "0", "0", "0"],
    ]
    assert page.inner_text("#live-counts") == "1 checked in, 1 still here, 2 late"
    assert [r[0] for r in rows(page, "#live-late tbody tr")] == ["Ann Lee", "Ann Lee"]
    roster = page.locator("#event-roster [data-shift-id]").first.inner_text()
    assert "Rosa Diaz\tCompleted" in roster and "Wes Park\tWaitlisted" in roster

    page.click("#live-check-ins button:has-text('Check out')")
    page.wait_for_selector("#event-status:has-text('Rosa Diaz checked out')")
    page.wait_for_selector("#live-counts:has-text('1 checked in, 0 still here')")
    assert page.locator("#live-check-ins button").count() == 0

    # ---- the first shift is over: Ann never came ----
    page.click("#mark-no-shows")
    page.wait_for_selector("#no-shows-status:has-text('1 sign-up marked as a no-show')")
    page.wait_for_selector("#event-no-shows:has-text('Ann Lee')")
    [missing] = rows(page, "#event-no-shows tbody tr")
    assert missing[0] == "Ann Lee" and missing[1].startswith("canvasser")
    assert missing[3] == "ann@example.org"
    page.wait_for_selector("#live-counts:has-text('1 late')")

    def statuses():
        check_in = db.session.scalar(select(CheckIn))
        by_id = {s.id: s.status for s in db.session.scalars(select(Signup))}
        hours = (check_in.checked_out_at - check_in.checked_in_at).total_seconds() / 3600
        return by_id, round(hours, 2)

    by_id, hours = server.run(statuses)
    assert by_id == {
        signups["Rosa"][0]: SignupStatus.COMPLETED,
        signups["Ann"][0]: SignupStatus.NO_SHOW,
        signups["Ann"][1]: SignupStatus.REGISTERED,
        signups["Wes"][0]: SignupStatus.WAITLISTED,
    }

    # ---- volunteers: by name, by skill, then by language too; Rosa's history ----
    page.click("#tabs a[data-screen=volunteers]")
    page.wait_for_selector("#volunteers-status:has-text('3 volunteers')")
    assert page.locator("#teams li").all_inner_texts() == ["West Philly team\n1 volunteer"]
    search = page.locator("#volunteer-search")
    search.locator("[name=q]").fill("park")
    search.locator("button[type=submit]").click()
    page.wait_for_selector("#volunteers-status:has-text('1 volunteer.')")
    assert [r[0] for r in rows(page, "#volunteers tr")] == ["Wes Park"]
    search.locator("[name=q]").fill("")
    search.locator("[name=skill]").select_option("canvassing")
    search.locator("button[type=submit]").click()
    page.wait_for_selector("#volunteers-status:has-text('2 volunteers')")
    assert [r[0] for r in rows(page, "#volunteers tr")] == ["Rosa Diaz", "Wes Park"]
    search.locator("[name=language]").fill("es")
    search.locator("button[type=submit]").click()
    page.wait_for_selector("#volunteers-status:has-text('1 volunteer.')")
    [rosa] = rows(page, "#volunteers tr")
    assert rosa == ["Rosa Diaz", "Canvassing", "ES", "West Philly team", "1", "0"]

    page.click("#volunteers a:has-text('Rosa Diaz')")
    page.wait_for_selector("#volunteer-name:has-text('Rosa Diaz')")
    totals = figures(page, "#volunteer-totals")
    assert totals["Shifts signed up"] == "1" and totals["Shifts attended"] == "1"
    assert float(totals["Hours"]) == hours > 2.5
    assert totals["Doors knocked"] == "0" and totals["Contacts made"] == "0"
    assert "Organizer\nOlga Organiser" in page.inner_text("#volunteer dl")
    [history] = rows(page, "#volunteer-shifts tbody tr")
    assert history[0] == NAME and history[1] == "canvasser" and history[3] == "Completed"
    assert shown(first[0]).search(history[2]), history  # in the event's time zone

    # The event's name leads back to it.
    page.click(f"#volunteer-shifts a[href='#/events/{event['id']}']")
    page.wait_for_selector(f"#events tr.selected[data-event-id='{event['id']}']")
    page.wait_for_selector("#event-no-shows:has-text('Ann Lee')")
    assert errors == [] and offsite == []
    context.close()


def test_a_canvasser_s_only_screen_in_the_console_is_texting(live, browser):  # noqa: F811
    """Canvassers text as volunteers (texting.send); nothing else of the console is theirs."""
    server, _ = live
    page = browser.new_page()
    page.goto(f"{server.url}/console#/events")
    page.fill("input[name=email]", "kim@organizer.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#screen-texting:not([hidden])")
    assert page.locator("#tabs a:visible").all_inner_texts() == ["Texting"]
    assert page.locator(".screen:visible").count() == 1
    assert not page.locator("#no-screens").is_visible()
    page.close()

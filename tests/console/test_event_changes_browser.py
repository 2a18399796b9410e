"""An organiser changes an event from its screen in Debian's chromium: its name and place, a
new shift, a shift's seats (too few is refused, more seat the waitlist), a sign-up cancelled
and one refused for want of a seat, then the whole event cancelled.

The browser runs in Berlin and the event in Chicago: the times shown and typed are the event's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.auth.permissions import Role
from app.core.actor import Actor
from app.events.models import Event, EventStatus, Signup, SignupStatus
from app.events.operations import create_event, sign_up
from app.extensions import db
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.factories import PASSWORD, create_organization, create_user

pytestmark = pytest.mark.browser
CHICAGO = ZoneInfo("America/Chicago")
START = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)


@pytest.fixture(scope="module")
def live(make_database):
    """A served app with an organiser and an event tomorrow: Rosa and Ann hold the canvass
    shift's two seats, Wes waits."""

    def seed():
        org = create_organization("Changes Campaign")
        olga = create_user(org, Role.ORGANIZER, email="olga@changes.test", name="Olga Organiser")
        event = create_event(Actor.of(olga), {
            "name": "Saturday canvass", "kind": "canvass_launch", "time_zone": "America/Chicago",
            "place_name": "Clark Park", "lat": 39.9483, "lon": -75.2167, "visibility": "public",
            "shifts": [{"role": "canvasser", "starts_at": START,
                        "ends_at": START + timedelta(hours=3), "capacity": 2,
                        "has_waitlist": True, "walk_ins": True}],
        })  # fmt: skip
        made = {}
        for first_name, last_name in (("Rosa", "Diaz"), ("Ann", "Lee"), ("Wes", "Park")):
            signups, _ = sign_up(event, {
                "first_name": first_name, "last_name": last_name,
                "email": f"{first_name.lower()}@example.org", "email_consent": False,
                "sms_consent": False, "shift_ids": [event.shifts[0].id],
            })  # fmt: skip
            made[first_name] = signups[0].id
        return {"event": event.id, "shift": event.shifts[0].id, **made}

    for server in serve(make_database, "doorstep_event_changes"):
        yield server, server.run(seed)


def typed(moment: datetime) -> str:
    return moment.astimezone(CHICAGO).strftime("%Y-%m-%dT%H:%M")


def rows(page, selector: str) -> list[list[str]]:
    return [row.locator("td").all_inner_texts() for row in page.locator(selector).all()]


def test_an_organizer_changes_an_event_its_shifts_and_sign_ups(live, browser):  # noqa: F811
    server, ids = live
    context = browser.new_context(viewport={"width": 1500, "height": 1000},
                                  timezone_id="Europe/Berlin")  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))

    def status_of(name: str) -> SignupStatus:
        return server.run(lambda: db.session.get(Signup, ids[name]).status)

    def roster_status(name: str) -> str:
        [row] = [r for r in rows(page, "#event-roster tbody tr") if r[0].startswith(name)]
        return row[1]

    page.goto(f"{server.url}/console#/events/{ids['event']}")
    page.fill("input[name=email]", "olga@changes.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#event-name:has-text('Saturday canvass')")

    # ---- the event's own fields: only what changed is sent ----
    page.click("#edit-event")
    page.wait_for_selector("#event-form:not([hidden])")
    form = page.locator("#event-form")
    assert page.inner_text("#event-form-title") == "Change the event"
    assert form.locator("[name=name]").input_value() == "Saturday canvass"
    assert form.locator("[name=time_zone]").input_value() == "America/Chicago"
    assert form.locator("[name=lat]").input_value() == "39.9483"
    assert not page.locator("#event-form-shifts").is_visible()
    form.locator("[name=name]").fill("Sunday canvass")
    form.locator("[name=place_name]").fill("Library steps")
    with page.expect_request(lambda r: r.method == "PATCH") as patched:
        form.locator("button[type=submit]").click()
    assert patched.value.post_data_json == {"name": "Sunday canvass", "place_name": "Library steps"}
    page.wait_for_selector("#event-name:has-text('Sunday canvass')")
    assert "Library steps" in page.inner_text("#event-detail")
    page.wait_for_selector("#events tr:has-text('Sunday canvass')")

    def event_row():
        event = db.session.get(Event, ids["event"])
        return event.name, event.place_name, event.time_zone, event.status, [
            (s.role, s.starts_at, s.ends_at, s.capacity) for s in event.shifts]  # fmt: skip

    name, place, zone, _, shifts = server.run(event_row)
    assert (name, place, zone) == ("Sunday canvass", "Library steps", "America/Chicago")

    # ---- another shift: it starts, by default, when the last one ends (Chicago time) ----
    end = START + timedelta(hours=3)
    page.click("#add-event-shift")
    editor = page.locator("#shift-form")
    assert editor.locator("[name=starts_at]").input_value() == typed(end)
    assert editor.locator("[name=role]").input_value() == "canvasser"
    editor.locator("[name=role]").fill("driver")
    editor.locator("[name=ends_at]").fill(typed(end + timedelta(hours=1)))
    editor.locator("[name=capacity]").fill("4")
    editor.locator("button[type=submit]").click()
    page.wait_for_selector("#shifts-status:has-text('Shift added: driver')")
    page.wait_for_selector("#event-shifts tbody tr:has-text('driver')")
    assert [[r[0], r[2]] for r in rows(page, "#event-shifts tbody tr")] == [
        ["canvasser", "0 of 2"], ["driver", "4 of 4"]]  # fmt: skip
    shifts = server.run(event_row)[4]
    assert shifts[1] == ("driver", end, end + timedelta(hours=1), 4)

    # ---- fewer seats than are taken: refused, said next to the seats ----
    page.click(f"#event-shifts [data-edit-shift='{ids['shift']}']")
    editor.locator("[name=capacity]").fill("1")
    editor.locator("button[type=submit]").click()
    problem = page.locator("#shift-form .field-error[data-field=capacity]")
    problem.wait_for()
    assert problem.inner_text() == "2 people already hold a seat on this shift. (at least 2)"
    assert server.run(event_row)[4][0][3] == 2

    # ---- more seats: Wes, waiting, gets one ----
    with page.expect_request(lambda r: r.method == "PATCH") as patched:
        editor.locator("[name=capacity]").fill("3")
        editor.locator("button[type=submit]").click()
    assert patched.value.post_data_json == {"capacity": 3}
    page.wait_for_selector("#shifts-status:has-text('Shift saved')")
    page.wait_for_selector("#event-shifts tbody tr:has-text('0 of 3')")
    assert page.locator("#shift-form").count() == 0
    page.wait_for_function("() => !document.querySelector('#event-roster')"
                           ".innerText.includes('Waitlisted')")  # fmt: skip
    assert roster_status("Wes") == "Registered" and status_of("Wes") == SignupStatus.REGISTERED

    # ---- the roster: Ann is cancelled; with the seats cut to two she cannot come back ----
    page.select_option(f"select[data-signup-id='{ids['Ann']}']", "cancelled")
    page.wait_for_selector("#event-status:has-text('Ann Lee: Cancelled')")
    assert asked.pop() == (
        "Cancel Ann Lee's sign-up? They will be told, if they agreed to messages."
        " The first on the waitlist gets the seat."
    )
    assert roster_status("Ann") == "Cancelled" and status_of("Ann") == SignupStatus.CANCELLED
    page.click(f"#event-shifts [data-edit-shift='{ids['shift']}']")
    editor.locator("[name=capacity]").fill("2")
    editor.locator("button[type=submit]").click()
    page.wait_for_selector("#event-shifts tbody tr:has-text('0 of 2')")
    page.select_option(f"select[data-signup-id='{ids['Ann']}']", "registered")
    refused = page.locator("#event-roster .field-error")
    refused.wait_for()
    assert refused.inner_text() == "That shift is full. (no seat left on the shift)"
    assert status_of("Ann") == SignupStatus.CANCELLED

    # ---- the event is called off: asked first, then everyone is told ----
    page.click("#cancel-event")
    page.wait_for_selector("#event-status:has-text('Cancelled: everyone signed up is told')")
    assert asked == ['Cancel "Sunday canvass"? Everyone signed up will be told it is off.']
    assert "Cancelled" in page.inner_text("#event-detail p.muted")
    assert page.locator("#cancel-event").count() == 0
    assert server.run(event_row)[3] == EventStatus.CANCELLED
    assert errors == []
    context.close()

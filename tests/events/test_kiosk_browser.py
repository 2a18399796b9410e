"""The kiosk at an event's door in Debian's chromium: an organiser opens the event once with
signal, loses it, and checks in three people: Rosa by the camera (a QR code on chromium's
fake camera, read by jsQR) and again by the hand scanner, Ann found by name, Wes as a
walk-in. The page is reloaded offline; back online it syncs: exactly three attendances.
Then a volunteer with the app opens My shifts, sees their QR code and taps "I'm here"."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.auth.permissions import Role
from app.core.actor import Actor
from app.core.codes import qr_image
from app.events.models import CheckIn, Signup, SignupStatus
from app.events.operations import create_event, sign_up
from app.extensions import db
from app.people.models import Interaction, InteractionKind
from app.volunteers.models import VolunteerProfile
from tests.browsers import CHROMIUM, serve
from tests.factories import PASSWORD, create_organization, create_user

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 640, 480


@pytest.fixture(scope="module")
def live(make_database):
    def seed():
        org = create_organization("Kiosk Campaign")
        create_user(org, Role.ORGANIZER, email="olga@kiosk.test", name="Olga Organiser")
        start = datetime.now(UTC) - timedelta(minutes=10)
        event = create_event(
            Actor.system(org.id, "test"),
            {
                "name": "Saturday launch",
                "kind": "canvass_launch",
                "lon": -75.2167,
                "lat": 39.9483,
                "shifts": [
                    {
                        "starts_at": start,
                        "ends_at": start + timedelta(hours=3),
                        "role": "canvasser",
                        "capacity": 10,
                    }
                ],
            },
        )
        vic = create_user(org, Role.CANVASSER, email="vic@kiosk.test", name="Vic Volunteer")
        codes = {}
        for first in ("Rosa", "Ann", "Vic"):
            [signup], _ = sign_up(
                event,
                {
                    "first_name": first,
                    "last_name": "Diaz",
                    "email": f"{first.lower()}@example.org",
                    "email_consent": True,
                    "sms_consent": False,
                    "shift_ids": [event.shifts[0].id],
                },
            )
            codes[first] = signup.checkin_code
        # Vic canvasses with the app: their profile names their sign-in.
        db.session.add(VolunteerProfile(organization_id=org.id, person_id=signup.person_id,
                                        user_id=vic.id, feed_token="vic-feed"))  # fmt: skip
        return {"event_id": event.id, "codes": codes}

    for server in serve(make_database, "doorstep_kiosk"):
        yield server, server.run(seed)


def qr_video(text: str, path) -> None:
    """A still y4m clip of the QR code the server makes for ``text``, for chromium's fake
    camera (grey only: the chroma planes are flat)."""
    image = Image.open(io.BytesIO(qr_image(text, kind="png"))).convert("L")
    side = min(WIDTH, HEIGHT) - 80
    image = image.resize((side, side), Image.NEAREST)
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(image, ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    chroma = bytes([128]) * (WIDTH * HEIGHT // 4)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(3):
            out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)


@pytest.fixture(scope="module")
def camera_browser(live, tmp_path_factory):
    """Chromium whose camera shows Rosa's QR code."""
    from playwright.sync_api import sync_playwright

    _, ids = live
    clip = tmp_path_factory.mktemp("camera") / "rosa.y4m"
    qr_video(ids["codes"]["Rosa"], clip)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={clip}",
            ],
        )
        yield browser
        browser.close()


def counts(server, event_id):
    def read():
        check_ins = db.session.scalar(select(func.count()).select_from(CheckIn))
        attended = db.session.scalar(
            select(func.count()).where(
                Interaction.kind == InteractionKind.EVENT_ATTENDANCE,
                Interaction.result == "attended",
            )
        )
        statuses = sorted(s.value for s in db.session.scalars(select(Signup.status)))
        return check_ins, attended, statuses

    return server.run(read)


def test_a_kiosk_offline_checks_in_three_people_once_each(live, camera_browser):
    server, ids = live
    context = camera_browser.new_context(
        viewport={"width": 800, "height": 1000}, service_workers="allow", permissions=["camera"]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.url}/app/")
    page.fill("input[name=email]", "olga@kiosk.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.click("a[href='#/events']")
    page.click(f"a[href='#/kiosk/{ids['event_id']}']")
    page.wait_for_selector(".door-code")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    assert page.inner_text("#kiosk-counts").startswith("0 checked in")
    # The camera's QR reader: kept for offline use, not run until the camera starts.
    assert page.evaluate("typeof window.jsQR") == "undefined"
    for _ in range(100):
        if page.evaluate(CACHED_QR_READER):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(CACHED_QR_READER)

    context.set_offline(True)
    # Rosa by the camera: jsQR reads the QR code off the fake camera's picture.
    page.click("text=Scan with the camera")
    page.wait_for_selector("#kiosk-feedback:has-text('Welcome, Rosa Diaz')", timeout=20000)
    page.click("text=Stop camera")
    # ... and again by the hand scanner (it types the code and Enter).
    page.fill("input[name=code]", ids["codes"]["Rosa"].lower())
    page.press("input[name=code]", "Enter")
    page.wait_for_selector("#kiosk-feedback:has-text('Rosa Diaz is already checked in')")
    # Ann, found by name.
    page.fill("input[type=search]", "ann")
    page.click("#kiosk-matches button")
    page.wait_for_selector("#kiosk-feedback:has-text('Welcome, Ann Diaz')")
    # Wes walks in.
    page.fill("form input[name=first_name]", "Wes")
    page.fill("form input[name=last_name]", "Lee")
    page.click("text=OK to send reminders")
    page.click("button:has-text('Walk-in')")
    page.wait_for_selector("#kiosk-counts:has-text('3 checked in · 3 waiting')")
    assert counts(server, ids["event_id"])[0] == 0  # nothing reached the server
    # The header counts check-ins too: not "All synced" with three waiting.
    page.wait_for_selector("#outbox:has-text('3 waiting')")
    assert page.eval_on_selector("#outbox", SEEN)
    # Queued check-ins say so, and look unlike sent ones.
    assert rows_in(page) == [["Ann Diaz", "waiting to send"], ["Rosa Diaz", "waiting to send"],
                             ["Wes Lee", "waiting to send"]]  # fmt: skip
    queued_colour = page.eval_on_selector("#kiosk-in li", BACKGROUND)
    # Who is in comes before the search and the walk-in form, on the first screen.
    boxes = {name: page.locator(selector).bounding_box() for name, selector in (
        ("in", "#kiosk-in"), ("walk_in", "form:has(input[name=first_name])"))}  # fmt: skip
    assert boxes["in"]["y"] < boxes["walk_in"]["y"]
    assert boxes["in"]["y"] < page.viewport_size["height"]

    page.reload()  # offline: the app from the worker's cache, the queue from IndexedDB
    page.wait_for_selector("#kiosk-counts:has-text('3 checked in · 3 waiting')")

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#kiosk-counts:has-text('3 checked in · 0 waiting')", timeout=20000)
    check_ins, attended, statuses = counts(server, ids["event_id"])
    assert (check_ins, attended) == (3, 3)
    assert statuses == [SignupStatus.COMPLETED.value] * 3 + [SignupStatus.REGISTERED.value]
    assert "Wes Lee" in page.inner_text("#kiosk-in")
    page.wait_for_selector("#outbox:has-text('All synced')")
    assert [state for _, state in rows_in(page)] == ["sent"] * 3
    sent_colour = page.eval_on_selector("#kiosk-in li", BACKGROUND)
    assert sent_colour != queued_colour
    assert errors == []
    context.close()


SEEN = """(el) => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
  return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0; }"""
BACKGROUND = "(li) => getComputedStyle(li).backgroundColor"
CACHED_QR_READER = """async () => {
    for (const name of await caches.keys()) {
      const urls = (await (await caches.open(name)).keys()).map((r) => r.url);
      if (urls.some((url) => url.includes("jsQR"))) return true;
    }
    return false; }"""


def rows_in(page) -> list[list[str]]:
    """The "Checked in" rows as seen: [name, state]."""
    return page.eval_on_selector_all(
        "#kiosk-in li:not(.attention)",
        "(els) => els.map((li) => [...li.children].map((c) => c.innerText))",
    )


def test_a_volunteer_shows_their_qr_and_checks_in_on_their_phone(live, camera_browser):
    server, ids = live
    context = camera_browser.new_context(
        viewport={"width": 400, "height": 820},
        service_workers="allow",
        permissions=["geolocation"],
        geolocation={"latitude": 39.9484, "longitude": -75.2166},  # at the field office
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.url}/app/")
    page.fill("input[name=email]", "vic@kiosk.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert page.locator("a[href='#/events']").count() == 0  # no kiosk for a canvasser
    page.click("a[href='#/shifts']")
    page.wait_for_selector(".shift-card .qr svg")
    assert page.inner_text(".shift-card .code") == ids["codes"]["Vic"]
    page.click("text=I'm here")
    page.wait_for_selector(".shift-card .message:has-text('checked in')")

    def method():
        return db.session.scalar(
            select(CheckIn.method).join(Signup).where(Signup.checkin_code == ids["codes"]["Vic"])
        )

    assert server.run(method).value == "self"
    assert errors == []
    context.close()

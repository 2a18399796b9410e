"""The canvassing app's screens as a canvasser sees them, in Debian's chromium: what is hidden
is not shown (computed style and box, not attributes), disclosures look like disclosures and
stay open, a building's homes are numbered inside it, a note belongs to the building or to one
home, no signal is shown, "Send now", and screens that follow a sync."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.auth.permissions import Role
from app.core.actor import Actor
from app.extensions import db
from app.knocks.models import PlaceNote
from app.universes.queries import Search
from app.walklists.operations import create_near_list
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.factories import (
    PASSWORD,
    create_household,
    create_organization,
    create_person,
    create_user,
)

pytestmark = pytest.mark.browser
LON, LAT = -75.19, 39.95
UNITS = ("1A", "1B", "2A")

#: Seen by a person: displayed, not invisible, with a box.
SEEN = """(el) => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
  return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0; }"""


def seen(page, selector: str) -> list[bool]:
    return page.eval_on_selector_all(selector, f"(els) => els.map({SEEN})")


@pytest.fixture(scope="module")
def live(make_database):
    """A block of three flats at 40 Pine St and a house at 44 Pine St, on one list of Kim's."""

    def seed():
        org = create_organization("Screens Campaign")
        kim = create_user(org, Role.CANVASSER, email="kim@screens.test", name="Kim Canvass")
        homes = [create_household(org, house_number="40", street="PINE ST", unit=u,
                                  lon=LON, lat=LAT) for u in UNITS]  # fmt: skip
        homes.append(create_household(org, house_number="44", street="PINE ST",
                                      lon=LON + 0.0003, lat=LAT))  # fmt: skip
        for n, home in enumerate(homes):
            create_person(org, household=home, first_name=f"Resident{n}", last_name="Pine")
        db.session.flush()
        walk_list = create_near_list(Actor.system(org.id, "test"), LON, LAT, 2, Search(org.id, {}),
                                     assignee_ids=[kim.id])  # fmt: skip
        return {"list_id": walk_list.id, "homes": [h.id for h in homes]}

    for server in serve(make_database, "doorstep_pwa_screens"):
        yield server, server.run(seed)


@pytest.fixture
def page(live, browser):  # noqa: F811
    server, _ids = live
    context = browser.new_context(viewport={"width": 400, "height": 820}, service_workers="allow")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(f"{server.url}/app/")
    page.wait_for_selector("input[name=email]")
    yield page
    assert page.errors == []
    context.close()


def sign_in(page, ids):
    page.fill("input[name=email]", "kim@screens.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(f"a[href='#/list/{ids['list_id']}']")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_what_is_hidden_is_not_shown(live, page):
    _, ids = live
    # The sign-in screen: no outbox badge ("All synced"), no update banner.
    assert seen(page, "#outbox") == [False]
    assert seen(page, "#update") == [False]
    assert seen(page, "#signal") == [False]
    sign_in(page, ids)
    assert seen(page, "#outbox") == [True]
    page.click(f"a[href='#/list/{ids['list_id']}']")
    page.wait_for_selector(".stops li")
    # No checkboxes and no empty "Not home (N)" button before "Select doors".
    assert seen(page, ".stops .pick") == [False] * 4
    tools = seen(page, ".tools button")
    assert tools == [True, True, False], tools
    page.click("text=Select doors")
    assert seen(page, ".stops .pick") == [True] * 4
    assert seen(page, ".tools button")[2] is False  # nothing picked yet
    page.locator(".stops .pick").nth(3).check()
    assert seen(page, ".tools button") == [True, True, True]
    assert page.inner_text(".tools button.primary") == "Not home (1)"
    page.click("text=Cancel")
    assert seen(page, ".stops .pick") == [False] * 4
    assert seen(page, ".tools button")[2] is False
    assert seen(page, "#update") == [False]


def until(page, script: str, arg=None, seconds: float = 20) -> None:
    """Until the async ``script`` answers true (wait_for_function takes a promise as true)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(script, arg):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {script}")


def wait_until_sent(page, done: int) -> None:
    """Until the phone's outbox is empty and ``done`` knocks are acknowledged."""
    until(page, "async (n) => (await DoorstepStore.outboxItems()).length === 0"
                " && (await DoorstepStore.doneItems()).length >= n", done)  # fmt: skip


def open_door(page, ids, label: str):
    page.goto(page.url.split("#")[0] + f"#/list/{ids['list_id']}")
    page.wait_for_selector(".stops li")
    page.locator(".stops li", has=page.locator(f".num:text-is('{label}')")).locator("a").click()
    page.wait_for_selector("h1.address")


def test_disclosures_show_their_arrow_and_stay_open(live, page):
    _, ids = live
    sign_in(page, ids)
    open_door(page, ids, "2")  # the house (numbered "2" before homes in buildings were)
    summaries = page.eval_on_selector_all(
        "summary", "(els) => els.map((s) => [s.innerText, getComputedStyle(s).display])"
    )
    assert summaries == [["Result", "list-item"], ["About this place", "list-item"],
                         ["Add someone met here", "list-item"]]  # fmt: skip
    page.click("summary:has-text('About this place')")
    page.click("button:text-is('Dog')")
    # Still open: the note buttons and the notes box are on screen, Dog is chosen.
    assert seen(page, "details[data-key=place] textarea") == [True]
    assert page.get_attribute("button:text-is('Dog')", "class") == "choice on"
    page.click("summary:has-text('Result')")
    page.click("details[data-key^=result] button:text-is('Not Home')")
    assert seen(page, "details[data-key^=result] button:text-is('Not Home')") == [True]
    assert seen(page, "details[data-key=place] textarea") == [True]


def test_a_building_numbers_its_homes_and_a_note_stays_with_its_home(live, page):
    server, ids = live
    sign_in(page, ids)
    page.click(f"a[href='#/list/{ids['list_id']}']")
    page.wait_for_selector(".stops li")
    assert page.eval_on_selector_all(".stops .num", "(els) => els.map((e) => e.innerText)") == [
        "1.1", "1.2", "1.3", "2"]  # fmt: skip
    open_door(page, ids, "1.2")
    assert page.inner_text("h1.address") == "40 PINE ST #1B"
    assert page.inner_text("#door-number") == (
        "Door 1 of 2 · home 2 of 3 here · 4 homes on the list"
    )
    # A dog behind 1B's door: this home only (the choice a flat starts with).
    page.click("summary:has-text('About this place')")
    assert page.is_checked("input[name=place-scope][value=home]")
    page.click("button:text-is('Dog')")
    page.click("button:text-is('Not Home') >> nth=-1")  # the door's result
    page.click("text=Save & back to list")
    wait_until_sent(page, 1)
    # The building is gated: every home in it.
    open_door(page, ids, "1.3")
    page.click("summary:has-text('About this place')")
    page.click("input[name=place-scope][value=building]")
    page.click("button:text-is('Gated')")
    page.click("button:text-is('Not Home') >> nth=-1")
    page.click("text=Save & back to list")
    wait_until_sent(page, 2)

    def notes():
        return sorted((n.kind.value, n.household_id) for n in db.session.scalars(select(PlaceNote)))

    assert server.run(notes) == [("dog", ids["homes"][1]), ("gated", None)]
    page.goto(page.url.split("#")[0] + "#/lists")  # online: the lists are fetched again
    until(
        page,
        """async (id) => {
        const list = await (await DoorstepStore.db()).get('lists', id);
        return list.stops.some((s) => s.place_notes.length); }""",
        ids["list_id"],
    )
    shown = {}
    for label in ("1.1", "1.2", "2"):
        open_door(page, ids, label)
        shown[label] = page.eval_on_selector_all(
            ".place-notes li", "(els) => els.map((e) => e.innerText)"
        )
    assert shown == {
        "1.1": ["Gated (The whole building)"],
        "1.2": ["Gated (The whole building)", "Dog (This home only (#1B))"],
        "2": [],
    }


def test_no_signal_send_now_and_screens_that_follow_a_sync(live, page):
    _server, ids = live
    sign_in(page, ids)
    context = page.context
    page.click(f"a[href='#/list/{ids['list_id']}']")
    page.wait_for_selector(".stops li")
    context.set_offline(True)
    page.wait_for_function(f"() => ({SEEN})(document.querySelector('#signal'))")
    assert page.inner_text("#signal") == "No signal"
    # Two doors, the second first: the outbox reads them in the order they were made.
    for label, result in (("2", "Not Home"), ("1.1", "Refused")):
        open_door(page, ids, label)
        page.click(f".door-result button:text-is('{result}')")
        page.click("text=Save & back to list")
        page.wait_for_selector(".stops li")
    page.click("#outbox")
    page.wait_for_selector("#outbox-waiting li")
    rows = page.eval_on_selector_all("#outbox-waiting li", "(els) => els.map((e) => e.innerText)")
    assert rows[0].startswith("44 PINE ST Not Home · ") and rows[1].startswith(
        "40 PINE ST #1A Refused · "), rows  # fmt: skip
    page.click("#send-now")
    page.wait_for_selector("#screen .message.error:has-text('Offline')")
    assert page.locator("#outbox-waiting li").count() == 2
    context.set_offline(False)
    page.wait_for_function("navigator.onLine")
    page.click("#send-now")
    # The screen follows: both move to "Sent" without leaving it.
    page.wait_for_selector("#outbox-sent li >> nth=1", timeout=20000)
    assert page.locator("#outbox-waiting li").count() == 0
    assert seen(page, "#signal") == [False]

    # A list's rows follow a sync too: a knock queued offline turns "Done" on screen.
    page.goto(page.url.split("#")[0] + f"#/list/{ids['list_id']}")
    page.wait_for_selector(".stops li")
    context.set_offline(True)
    open_door(page, ids, "1.3")
    page.click(".door-result button:text-is('Not Home')")
    page.click("text=Save & back to list")
    row = page.locator(".stops li", has=page.locator(".num:text-is('1.3')"))
    # The list is drawn again after the save: wait for the row's new state, don't read it once.
    expect(row.locator(".state")).to_have_text("Queued", timeout=10000)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.stops li')].find((li) =>"
        " li.querySelector('.num').innerText === '1.3').querySelector('.state').innerText"
        " === 'Done'", timeout=20000)  # fmt: skip


def test_a_canvassers_phone_never_loads_the_qr_reader(live, page):
    _, ids = live
    sign_in(page, ids)
    page.click(f"a[href='#/list/{ids['list_id']}']")
    page.wait_for_selector(".stops li")
    cached = page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
          for (const r of await (await caches.open(name)).keys()) urls.push(r.url);
        }
        return urls; }""")
    assert any(u.endswith("/app/js/door.js") for u in cached)
    assert not [u for u in cached if "jsqr" in u.lower()]
    loaded = page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
    assert not [u for u in loaded if "jsqr" in u.lower() or "leaflet" in u.lower()]

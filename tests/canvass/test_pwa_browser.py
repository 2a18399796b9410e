"""The canvassing app end to end in Debian's chromium: sign in, claim a list, go offline, knock
ten doors with answers, reload while offline (the outbox is still there), come back online and
find exactly ten knocks; then a lost sync response, an access token that expired offline, and
the same batch sent twice. None of them loses or doubles a knock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_jwt_extended import create_access_token, decode_token
from sqlalchemy import func, select

from app.auth.permissions import Role
from app.canvass.models import SyncBatch
from app.core.actor import Actor
from app.extensions import db
from app.knocks.models import DoorKnock
from app.people.models import Interaction, InteractionKind, SurveyAnswer
from app.turfs.cutting import CutSpec
from app.turfs.operations import commit_cut
from app.universes.queries import Search
from app.walklists.operations import create_turf_list
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.factories import PASSWORD, create_organization, create_user
from tests.turfs.conftest import build_town

pytestmark = pytest.mark.browser
WAITING = "#outbox.waiting"


@pytest.fixture(scope="module")
def live(make_database):
    """The town cut into turfs; one list of 52 homes, its code known to the canvasser."""

    def seed():
        org = create_organization("PWA Campaign")
        kim = create_user(org, Role.CANVASSER, email="kim@pwa.test", name="Kim Canvass")
        town = build_town(org)
        cut = commit_cut(
            Actor.system(org.id, "test"), CutSpec(target=52, polygon=_area(town)), "Town"
        )
        turf = sorted(cut_turfs(cut.id), key=lambda t: t.id)[0]
        walk_list = create_turf_list(Actor.system(org.id, "test"), turf, Search(org.id, {}))
        return {"code": walk_list.code, "list_id": walk_list.id, "kim": kim.id}

    for server in serve(make_database, "doorstep_pwa"):
        yield server, server.run(seed)


def _area(town):
    from shapely.geometry import shape

    return shape(town.area)


def cut_turfs(cut_id):
    from app.turfs.models import Turf

    return db.session.scalars(select(Turf).filter_by(cut_id=cut_id)).all()


def knocks(server, list_id) -> int:
    return server.run(
        lambda: db.session.scalar(
            select(func.count()).select_from(DoorKnock).filter_by(walk_list_id=list_id)
        )
    )


def knock_door(page, support: str, volunteer: str | None = None) -> None:
    """On the door screen: answer for the first person, then Save & next door."""
    person = page.locator(".person").first
    person.locator(f".question[data-key=support] button[data-value='{support}']").click()
    if volunteer:
        person.locator(f".question[data-key=volunteer] button[data-value='{volunteer}']").click()
    address = page.inner_text("h1.address")
    page.click("#save-next")
    page.wait_for_function("a => document.querySelector('h1') && "
                           "document.querySelector('h1').innerText !== a", arg=address)  # fmt: skip


def test_a_shift_offline_then_sync(live, browser):  # noqa: F811
    server, ids = live
    context = browser.new_context(viewport={"width": 400, "height": 820}, service_workers="allow")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{server.url}/app/")
    page.fill("input[name=email]", "kim@pwa.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", ids["code"][:4].lower() + "-" + ids["code"][4:])
    page.click("form button[type=submit]")
    page.wait_for_selector(".stops li")
    assert page.locator(".stops li").count() == 52
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    # A shift with no signal: ten doors, answers on each.
    context.set_offline(True)
    page.click("a.button.primary")  # the next door to knock
    for n in range(10):
        knock_door(page, "1" if n < 5 else "3", "yes" if n < 5 else None)
    page.wait_for_selector(f"{WAITING}:has-text('10')")
    assert knocks(server, ids["list_id"]) == 0

    page.reload()  # offline: the app comes from the worker's cache, the outbox from IndexedDB
    page.wait_for_selector(f"{WAITING}:has-text('10')")

    context.set_offline(False)
    page.wait_for_selector("#outbox.synced", timeout=20000)
    assert knocks(server, ids["list_id"]) == 10
    # The phone sent its clock: the batch knows its offset (this phone's clock is ours).
    offsets = server.run(lambda: db.session.scalars(select(SyncBatch.clock_offset_s)).all())
    assert offsets and all(o is not None and abs(o) < 60 for o in offsets)

    def histories():
        door = db.session.scalar(
            select(func.count()).select_from(Interaction).filter_by(kind=InteractionKind.DOOR_KNOCK)
        )
        answers = dict(
            db.session.execute(
                select(SurveyAnswer.question, func.count()).group_by(SurveyAnswer.question)
            ).all()
        )
        return door, answers

    assert server.run(histories) == (10, {"support": 10, "volunteer": 5})

    # The server applies a batch but its answer is lost: the phone sends it again later.
    server.lose_next("/api/v1/canvass/sync")
    page.goto(f"{server.url}/app/#/list/{ids['list_id']}")
    page.click("a.button.primary")
    knock_door(page, "2", "no")
    for _ in range(100):  # the save syncs at once
        if server.losing.lost:
            break
        page.wait_for_timeout(100)
    page.wait_for_selector(f"{WAITING}:has-text('1')")  # still queued on the phone
    assert knocks(server, ids["list_id"]) == 11
    knock_door(page, "4")  # the next save sends both: the first is a duplicate now
    page.wait_for_selector("#outbox.synced", timeout=20000)
    assert knocks(server, ids["list_id"]) == 12

    # The access token expires while offline: the phone refreshes and sends the same outbox.
    session = page.evaluate("DoorstepStore.get('session')")

    def expired_token():
        claims = decode_token(session["access"])
        extra = {k: claims[k] for k in ("org", "ver", "fam")}
        return create_access_token(claims["sub"], additional_claims=extra,
                                   expires_delta=timedelta(seconds=-60))  # fmt: skip

    stale = server.run(expired_token)
    swap = (
        "async (t) => DoorstepStore.put('session',"
        " {...(await DoorstepStore.get('session')), access: t})"
    )
    page.evaluate(swap, stale)
    context.set_offline(True)
    knock_door(page, "5")
    page.wait_for_selector(f"{WAITING}:has-text('1')")
    context.set_offline(False)
    page.wait_for_selector("#outbox.synced", timeout=20000)
    assert knocks(server, ids["list_id"]) == 13
    assert page.evaluate("DoorstepStore.get('session')")["access"] != stale

    # The same batch sent twice (two tabs, a replay): applied once.
    statuses = page.evaluate(
        """async (listId) => {
            const list = await (await DoorstepStore.db()).get('lists', listId);
            const stop = list.stops[list.stops.length - 1];
            const body = {device_id: 'replay', records: [{uuid: crypto.randomUUID(),
              walk_list_id: listId, household_id: stop.household_id,
              client_at: new Date().toISOString(), result: 'not_home'}]};
            const first = await DoorstepStore.api('POST', '/api/v1/canvass/sync', body);
            const again = await DoorstepStore.api('POST', '/api/v1/canvass/sync', body);
            return [first.results[0].status, again.results[0].status];
        }""",
        ids["list_id"],
    )
    assert statuses == ["applied", "duplicate"]
    assert knocks(server, ids["list_id"]) == 14
    assert errors == []
    context.close()


#: Seen by a person: displayed, not invisible, with a box.
SEEN = """(el) => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
  return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0; }"""

# A release of the worker that says which it is when asked.
RELEASE = """
self.addEventListener("message", (e) => {{ if (e.data === "release?") e.source.postMessage(
  "release {n}"); }});
"""
ASK_RELEASE = """() => new Promise((resolve) => {
    navigator.serviceWorker.addEventListener("message", (e) => resolve(e.data), {once: true});
    navigator.serviceWorker.controller.postMessage("release?");
})"""


def sign_in_and_claim(context, server, ids):
    page = context.new_page()
    page.goto(f"{server.url}/app/")
    page.fill("input[name=email]", "kim@pwa.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", ids["code"])
    page.click("form button[type=submit]")
    page.wait_for_selector(".stops li")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    return page


def test_a_new_version_waits_until_the_canvasser_leaves_the_door(live, browser):  # noqa: F811
    server, ids = live
    context = browser.new_context(viewport={"width": 400, "height": 820}, service_workers="allow")
    page = sign_in_and_claim(context, server, ids)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.click("a.button.primary")
    person = page.locator(".person").first
    person.locator(".question[data-key=support] button[data-value='2']").click()
    page.evaluate("window.sameDocument = true")

    # A release lands while the canvasser is at a door, halfway through the answers.
    server.release("/app/sw.js", RELEASE.format(n=2))
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_selector("#update:not([hidden])")
    assert page.eval_on_selector("#update", SEEN)
    page.click("#update-now")  # even asked for, it waits: the door is not saved yet
    page.wait_for_function(
        "navigator.serviceWorker.getRegistration().then((r) => !r.waiting && !r.installing)"
    )
    assert page.evaluate("window.sameDocument") is True
    chosen = person.locator(".question[data-key=support] button[data-value='2']")
    assert chosen.get_attribute("aria-pressed") == "true"

    address = page.inner_text("h1.address")
    page.click("#save-next")  # the door is saved; the next screen comes from the new version
    page.wait_for_function("() => window.sameDocument === undefined")
    page.wait_for_selector("h1.address")
    assert page.inner_text("h1.address") != address
    page.wait_for_selector("#outbox.synced", timeout=20000)
    assert page.evaluate(ASK_RELEASE) == "release 2"  # the page runs under the new worker
    assert not page.eval_on_selector("#update", SEEN)  # the banner went with the update

    # Idle (the app in the background, not at a door): the next release goes in by itself.
    page.goto(f"{server.url}/app/#/lists")
    page.wait_for_selector("input[name=code]")
    page.evaluate("window.sameDocument = true")
    server.release("/app/sw.js", RELEASE.format(n=3))
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_selector("#update:not([hidden])")
    page.evaluate(
        "Object.defineProperty(document, 'hidden', {value: true, configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    page.wait_for_function("() => window.sameDocument === undefined")
    page.wait_for_selector("input[name=code]")
    assert page.evaluate(ASK_RELEASE) == "release 3"
    assert errors == []
    context.close()


def test_a_push_notice_is_shown_by_the_worker(live, browser):  # noqa: F811
    server, ids = live
    context = browser.new_context(service_workers="allow")
    context.grant_permissions(["notifications"], origin=server.url)
    page = sign_in_and_claim(context, server, ids)
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))  # fmt: skip
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if registrations:
            break
        page.wait_for_timeout(100)
    [registration] = [r for r in registrations if r["scopeURL"].endswith("/app/")]
    notice = '{"title": "New walk list", "body": "Elm St is yours", "url": "/app/#/list/1"}'
    push = {"origin": server.url, "registrationId": registration["registrationId"], "data": notice}
    cdp.send("ServiceWorker.deliverPushMessage", push)
    shown = None
    for _ in range(50):
        shown = page.evaluate(
            """async () => {
                const r = await navigator.serviceWorker.getRegistration();
                const [n] = await r.getNotifications();
                return n ? {title: n.title, body: n.body, url: n.data.url} : null;
            }"""
        )
        if shown:
            break
        page.wait_for_timeout(100)
    assert shown == {"title": "New walk list", "body": "Elm St is yours", "url": "/app/#/list/1"}
    context.close()

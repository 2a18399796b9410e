"""The console's Dashboard in Debian's chromium: a director sees the four panels and the
map drawn (charts, their tables, the legend); a filter applies; a knock synced through the
real sync API over HTTP moves the doors figure within 5 seconds, with no reload; a number
opens its people. An organiser has no money panel; finance only the money.

With DOORSTEP_SCREENSHOTS=DIR set, each panel is also saved there as a PNG (the docs'
pictures: ``DOORSTEP_SCREENSHOTS=docs/img pytest tests/console/test_dashboard_browser.py``)."""

from __future__ import annotations

import json
import os
import urllib.request
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.permissions import Role
from app.core.actor import Actor
from app.donations.committee import add_election
from app.donations.models import Method
from app.donations.operations import record_donation
from app.extensions import db
from app.people.models import Person
from app.turfs.cutting import CutSpec
from app.turfs.models import Turf
from app.turfs.operations import commit_cut
from app.universes.queries import Search
from app.walklists.models import WalkListStop
from app.walklists.operations import assign, create_turf_list
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.canvass.test_pwa_browser import _area
from tests.dashboards.test_people_panels import _world
from tests.factories import PASSWORD, create_organization, create_user
from tests.turfs.conftest import build_town

pytestmark = pytest.mark.browser
PANELS = ("#dash-field", "#dash-volunteers", "#dash-money", "#dash-outreach", "#dash-areas")


@pytest.fixture(scope="module")
def live(make_database):
    """A town with a cut and Kim's list; March's shifts, email and texts (as the panel tests
    have them); a week of knocks and gifts up to today."""

    def seed():
        org = create_organization("Dashboard Campaign")
        dana = create_user(org, Role.DIRECTOR, email="dana@dash.test", name="Dana Director")
        create_user(org, Role.FINANCE, email="fran@dash.test", name="Fran Finance")
        kim = create_user(org, Role.CANVASSER, email="kim@dash.test", name="Kim Canvass")
        town = build_town(org)
        _world(org, town).email = "olga@dash.test"
        cut = commit_cut(
            Actor.system(org.id, "test"), CutSpec(target=52, polygon=_area(town)), "Town"
        )
        turfs = db.session.scalars(select(Turf).filter_by(cut_id=cut.id).order_by(Turf.id)).all()
        lists = [create_turf_list(Actor.of(dana), t, Search(org.id, {})) for t in turfs]
        for walk_list in lists:
            assign(Actor.of(dana), walk_list, [kim.id])
        actor = Actor.system(org.id, "test")
        election = add_election(actor, {"kind": "G", "held_on": date(2099, 11, 3)})
        today = datetime.now(UTC).date()
        for n, pid in enumerate(town.person_ids[:8]):
            record_donation(actor, {
                "election_id": election.id, "amount_cents": 2_500 * (1 + n % 4),
                "received_on": today - timedelta(days=n % 6), "method": Method.CARD,
                "processor": "actblue", "page": "launch" if n % 2 else "spring",
                "employer": "Acme", "occupation": "Nurse",
            }, person=db.session.get(Person, pid))  # fmt: skip
        stops = db.session.scalars(
            select(WalkListStop).where(WalkListStop.walk_list_id.in_([w.id for w in lists]))
            .order_by(WalkListStop.walk_list_id, WalkListStop.position)
        ).all()  # fmt: skip
        return {"kim": kim.id, "stops": [(s.walk_list_id, s.household_id) for s in stops]}

    for server in serve(make_database, "doorstep_dashboard"):
        ids = server.run(seed)
        token = login(server.url, "kim@dash.test")
        now = datetime.now(UTC)
        records = [knock(wl, hh, now - timedelta(hours=3 * n), contact=n % 3 == 0)
                   for n, (wl, hh) in enumerate(ids["stops"][:10])]  # fmt: skip
        sync(server.url, token, records)
        yield server, {**ids, "token": token}


def login(base: str, email: str) -> str:
    body = post(base, "/api/v1/auth/login", {"email": email, "password": PASSWORD})
    return body["access_token"]


def post(base: str, path: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(  # noqa: S310 - the test's own server, over http
        base + path, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def knock(walk_list_id: int, household_id: int, at: datetime, contact: bool) -> dict:
    record = {"uuid": str(uuid.uuid4()), "walk_list_id": walk_list_id,
              "household_id": household_id, "client_at": at.isoformat()}  # fmt: skip
    record["result"] = "canvassed" if contact else "not_home"
    return record


def sync(base: str, token: str, records: list[dict]) -> dict:
    return post(base, "/api/v1/canvass/sync", {"device_id": "phone", "records": records}, token)


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/console#/dashboard")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#console:not([hidden])")


def tile(page, name: str):
    return page.locator(f"#screen-dashboard [data-tile='{name}'] .value")


def shown(locator) -> bool:
    box = locator.bounding_box()
    return bool(box and box["width"] > 0 and box["height"] > 0) and locator.evaluate(
        "n => getComputedStyle(n).visibility !== 'hidden' && getComputedStyle(n).display !== 'none'"
    )


def test_a_director_watches_the_dashboard_move(live, browser):  # noqa: F811
    """Sign in, four panels and the map, a live sync, a filter, a number's people (about 10 s:
    a browser, polls)."""
    server, ids = live
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, server.url, "dana@dash.test")
    page.wait_for_selector("#dash-field [data-tile='doors']")
    for selector in PANELS:
        assert shown(page.locator(selector)), selector
    for name in ("field-days", "field-hours", "volunteers-weeks", "money-days", "outreach-weeks"):
        figure = page.locator(f"[data-chart='{name}']")
        assert shown(figure.locator("canvas").first), name  # uPlot drew it
        assert "in all" in figure.locator("[role=img]").get_attribute("aria-label")
        assert figure.locator("details table tbody tr").count() > 0  # the text alternative
    assert tile(page, "doors").inner_text() == "10"
    page.wait_for_selector("#dash-legend span")
    assert shown(page.locator("#dash-map canvas").first)

    # A knock synced through the real API shows without a reload, within 5 seconds.
    wl, hh = ids["stops"][10]
    sync(server.url, ids["token"], [knock(wl, hh, datetime.now(UTC), contact=True)])
    page.wait_for_selector("#dash-field [data-tile='doors'] .value:text-is('11')", timeout=5000)

    shots = os.environ.get("DOORSTEP_SCREENSHOTS")

    def shoot(*selectors: str) -> None:
        for selector in selectors if shots else ():
            page.locator(selector).screenshot(path=f"{shots}/dashboard-{selector[6:]}.png")

    shoot("#dash-field", "#dash-money", "#dash-areas")

    # The March filter: no knocks then; the shifts, the email and the texts.
    page.fill("#dash-filters input[name=from]", "2026-03-01")
    page.fill("#dash-filters input[name=to]", "2026-03-31")
    page.locator("#dash-filters input[name=to]").dispatch_event("change")
    # Each panel answers on its own: wait for each one's March figure.
    page.wait_for_selector("#dash-field [data-tile='doors'] .value:text-is('0')")
    page.wait_for_selector("#screen-dashboard [data-tile='attended'] .value:text-is('5')")
    page.wait_for_selector("#screen-dashboard [data-tile='email_clicked'] .value:text-is('2')")
    assert tile(page, "attended").inner_text() == "5"
    assert tile(page, "email_clicked").inner_text() == "2"
    shoot("#dash-volunteers", "#dash-outreach")  # March: the shifts, the email, the texts
    page.click("#dash-volunteers [data-tile='no_shows']")
    page.wait_for_selector("#dash-people-list li")
    assert shown(page.locator("#dash-people"))
    assert page.locator("#dash-people-list li").count() == 3
    assert errors == []


@pytest.mark.parametrize(
    ("email", "visible", "hidden"),
    [("fran@dash.test", ["#dash-money"], ["#dash-field", "#dash-outreach", "#dash-areas"]),
     ("olga@dash.test", ["#dash-field", "#dash-volunteers", "#dash-outreach"], ["#dash-money"])],
)  # fmt: skip
def test_each_role_sees_its_own_view(live, browser, email, visible, hidden):  # noqa: F811
    server, _ = live
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    sign_in(page, server.url, email)
    page.wait_for_selector(f"{visible[0]} .dash-tile")
    for selector in visible:
        assert shown(page.locator(selector)), selector
    for selector in hidden:
        assert not page.locator(selector).is_visible(), selector


def test_the_weekly_summary_is_set_and_its_pdf_downloads(live, browser):  # noqa: F811
    """A director chooses who gets the weekly summary and when, saves, and downloads the PDF
    of the filters' days."""
    server, _ = live
    page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, server.url, "dana@dash.test")
    page.wait_for_selector("#dash-weekly-staff input[name=recipients]")
    assert shown(page.locator("#dash-weekly-form"))
    assert shown(page.locator("#dash-summary-pdf"))
    staff = page.locator("#dash-weekly-staff label")
    assert "Kim Canvass" not in staff.all_inner_texts()  # no canvasser to choose
    page.locator("#dash-weekly-staff label", has_text="Fran Finance").locator("input").check()
    page.select_option("#dash-weekly-form select[name=weekday]", "friday")
    page.fill("#dash-weekly-form input[name=hour]", "17")
    page.check("#dash-weekly-form input[name=enabled]")
    page.click("#dash-weekly-form button[type=submit]")
    page.wait_for_selector("#dash-weekly-status:text-matches('Saved')")

    def saved():
        from app.accounts.models import User
        from app.dashboards.models import WeeklySummary

        schedule = db.session.scalars(select(WeeklySummary)).one()
        names = db.session.scalars(select(User.name).where(User.id.in_(schedule.recipient_ids)))
        return list(names), schedule.weekday, schedule.hour, schedule.enabled

    assert server.run(saved) == (["Fran Finance"], 4, 17, True)
    if os.environ.get("DOORSTEP_SCREENSHOTS"):
        page.locator("#dash-weekly").screenshot(
            path=f"{os.environ['DOORSTEP_SCREENSHOTS']}/dashboard-weekly.png"
        )
    page.reload()  # read back from the API
    page.wait_for_selector("#dash-weekly-staff input[name=recipients]")
    checked = page.locator("#dash-weekly-staff label:has(input:checked)").all_inner_texts()
    assert [text.strip() for text in checked] == ["Fran Finance (finance)"]

    with page.expect_download() as download:
        page.click("#dash-summary-pdf")
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert errors == []

    # An organiser may download the PDF but sees no schedule.
    other = browser.new_page(viewport={"width": 1400, "height": 900})
    sign_in(other, server.url, "olga@dash.test")
    other.wait_for_selector("#dash-field .dash-tile")
    assert shown(other.locator("#dash-summary-pdf"))
    assert not other.locator("#dash-weekly").is_visible()

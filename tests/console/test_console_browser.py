"""The director console end to end in Debian's chromium: sign in, draw an area, preview and
commit a cut, make a walk list and hand it to a canvasser.

The app runs in a real HTTP server on its own committed database (the browser's requests
cannot join a test's rolled-back transaction).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.permissions import Role
from app.extensions import db
from app.turfs.models import Turf, TurfCut, TurfStatus
from app.walklists.models import WalkList, WalkListAssignment
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.factories import PASSWORD, create_organization, create_user
from tests.turfs.conftest import build_town

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(make_database):
    """A served app with the test town, a director and two canvassers, committed."""

    def seed():
        org = create_organization("Console Campaign")
        create_user(org, Role.DIRECTOR, email="director@console.test", name="Dana D")
        kim = create_user(org, Role.CANVASSER, email="kim@console.test", name="Kim Canvass")
        lee = create_user(org, Role.CANVASSER, email="lee@console.test", name="Lee Walker")
        build_town(org)
        return {"org": org.id, "canvasser": kim.id, "lee": lee.id}

    for server in serve(make_database, "doorstep_console"):
        yield server.app, server.url, server.run(seed)


def test_cut_turf_and_hand_out_a_list(live, browser):  # noqa: F811
    app, base, ids = live
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda request: errors.append(f"failed {request.url}"))
    offsite: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(base) else offsite.append(r.url))

    page.goto(f"{base}/console")
    page.fill("input[name=email]", "director@console.test")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    page.wait_for_selector("#login-error:not(:empty)")

    page.fill("input[name=password]", PASSWORD)
    with page.expect_response(lambda r: "/api/v1/areas/map" in r.url):
        page.click("button[type=submit]")
    page.wait_for_selector("#console:not([hidden])")
    page.wait_for_selector("#who:has-text('Dana D')")

    # Draw a box a little inside the map's edges: the map is fitted to the two precincts.
    page.click("#draw")
    box = page.locator("#map").bounding_box()
    corners = [(0.04, 0.04), (0.96, 0.04), (0.96, 0.96), (0.04, 0.96)]
    points = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in corners]
    for x, y in points:
        page.mouse.click(x, y)
    page.mouse.click(*points[0])  # back on the first corner closes the polygon
    page.wait_for_selector("#area-status:has-text('Drawn area ready')")

    page.fill("#target", "52")
    page.click("#preview")
    page.wait_for_selector("#cut-status:has-text('Preview:')")
    metrics = page.inner_text("#metrics")
    assert "Block faces split\t0" in metrics and "Barrier crossings\t0" in metrics
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(TurfCut)) == 0

    page.click("#commit")
    page.wait_for_selector("#cut-status:has-text('Saved')")
    page.wait_for_selector("#turfs li")
    with app.app_context():
        turfs = db.session.scalars(select(Turf).filter_by(status=TurfStatus.ACTIVE)).all()
        assert len(turfs) == page.locator("#turfs li").count() >= 2

    page.locator("#turfs li").first.click()
    page.wait_for_selector("#turf:not([hidden])")
    page.click("#make-list")
    page.wait_for_selector("#list-status:has-text('List ')")
    row = page.locator("#lists tr").first
    row.locator("select").select_option(label="Kim Canvass")
    page.wait_for_selector("#lists .names:has-text('Kim Canvass')")

    with app.app_context():
        walk_list = db.session.scalar(select(WalkList))
        assert walk_list.door_count > 0 and walk_list.organization_id == ids["org"]
        holders = db.session.scalars(
            select(WalkListAssignment.user_id).filter_by(walk_list_id=walk_list.id)
        ).all()
        assert holders == [ids["canvasser"]]
        assert walk_list.code in page.inner_text("#lists")
    assert errors == [] and offsite == []
    page.close()

    # Another canvasser scans the sheet's QR code: the canvassing app opens, signs in, claims.
    phone = browser.new_page(viewport={"width": 400, "height": 800})
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    phone.goto(f"{base}/claim/{walk_list.code}")
    phone.fill("input[name=email]", "lee@console.test")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_selector(".stops li")
    assert phone.locator(".stops li").count() == walk_list.household_count
    with app.app_context():
        claimed = db.session.scalars(
            select(WalkListAssignment.user_id).filter_by(walk_list_id=walk_list.id, claimed=True)
        ).all()
        assert claimed == [ids["lee"]]
    assert errors == []
    phone.close()

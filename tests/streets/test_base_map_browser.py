"""The street base layer seen in Debian's chromium: on the console's map zoomed in (and gone
zoomed out), and on the phone's list map with no signal, from the streets it kept with the
list. "Seen": an SVG path in the streets' pane with a box of its own, displayed and visible.
No tile server is configured: the lines are the map's only ground."""

from __future__ import annotations

import pytest
from shapely.geometry import shape
from sqlalchemy import select

from app.auth.permissions import Role
from app.core.actor import Actor
from app.extensions import db
from app.streets.models import Street
from app.turfs.cutting import CutSpec
from app.turfs.models import Turf
from app.turfs.operations import commit_cut
from app.universes.queries import Search
from app.walklists.operations import create_turf_list
from tests.browsers import browser, claim_on_phone, serve  # noqa: F401 - the browser fixture
from tests.factories import PASSWORD, create_organization, create_user
from tests.turfs.conftest import build_town

pytestmark = pytest.mark.browser
PATHS = ".leaflet-streets-pane path"


@pytest.fixture(scope="module")
def live(make_database):
    """The test town (its 4 x 4 street grid) cut into turfs, a director, and a list whose
    code a canvasser has."""

    def seed():
        org = create_organization("Streets Campaign")
        create_user(org, Role.DIRECTOR, email="director@streets.test", name="Dana D")
        create_user(org, Role.CANVASSER, email="kim@streets.test", name="Kim K")
        town = build_town(org)
        actor = Actor.system(org.id, "test")
        cut = commit_cut(actor, CutSpec(target=52, polygon=shape(town.area)), "Town")
        turf = db.session.scalars(select(Turf).filter_by(cut_id=cut.id).order_by(Turf.id)).first()
        return {"code": create_turf_list(actor, turf, Search(org.id, {})).code}

    for server in serve(make_database, "doorstep_streets"):
        yield server, server.run(seed)


def streets(server) -> int:
    return server.run(lambda: db.session.scalar(select(db.func.count()).select_from(Street)))


def seen_paths(page, scope: str = "") -> list[dict]:
    """The street paths the browser draws: their boxes, of those displayed and visible."""
    return page.eval_on_selector_all(f"{scope} {PATHS}".strip(), """paths => paths.map(p => {
        const box = p.getBoundingClientRect(), style = getComputedStyle(p);
        return {width: box.width, height: box.height, shown: style.display !== 'none'
                && style.visibility !== 'hidden' && Number(style.opacity) > 0
                && style.stroke !== 'none'};
    })""")  # fmt: skip


def drawn(paths: list[dict]) -> int:
    """Lines on screen: shown, and long (a grid street is flat one way: its box is 0 px high
    or wide; one Leaflet clipped off the screen is empty both ways)."""
    return sum(p["shown"] and max(p["width"], p["height"]) > 20 for p in paths)


def zoom_out_until_gone(page, scope: str) -> None:
    for _ in range(6):
        if not page.locator(f"{scope} {PATHS}").count():
            return
        page.click(f"{scope} .leaflet-control-zoom-out")
        page.wait_for_timeout(400)  # Leaflet's zoom animation
    assert page.locator(f"{scope} {PATHS}").count() == 0


def test_the_console_map_draws_the_streets_zoomed_in_only(live, browser):  # noqa: F811
    server, _ = live
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/streets/" in r.url else None)
    page.goto(f"{server.url}/console")
    page.fill("input[name=email]", "director@streets.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(f"#map {PATHS}", state="attached")  # fitted to the town: zoomed in
    paths = seen_paths(page, "#map")
    assert len(paths) == streets(server) and drawn(paths) >= 8
    assert all("/api/v1/streets/base-map?" in url for url in asked)
    zoom_out_until_gone(page, "#map")
    assert errors == []
    page.close()


def test_the_phone_list_map_draws_the_kept_streets_offline(live, browser):  # noqa: F811
    server, ids = live
    context = browser.new_context(viewport={"width": 400, "height": 820}, service_workers="allow")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    claim_on_phone(page, server.url, "kim@streets.test", PASSWORD, ids["code"])

    context.set_offline(True)  # the streets come from what the phone kept with the list
    page.click(".tools button:has-text('Map')")
    page.wait_for_selector(f"#list-map {PATHS}", state="attached")
    paths = seen_paths(page, "#list-map")
    assert len(paths) <= streets(server) and drawn(paths) >= 4
    zoom_out_until_gone(page, "#list-map")
    assert errors == []
    context.close()

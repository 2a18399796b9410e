"""The console's Paper screen in Debian's chromium: a director opens a sheet by typing its
code, keys homes as a hand scanner does (a row's code and Enter), taps the boxes ticked on the
paper, and the homes land as door knocks under the sheet's canvasser; an answer lost on the
way back is sent again from the browser and applied once; a sheet without its canvasser's
name is not sent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.auth.permissions import Role
from app.core.actor import Actor
from app.extensions import db
from app.knocks.models import DoorKnock
from app.people.models import Interaction
from app.turfs.cutting import CutSpec
from app.turfs.models import Turf
from app.turfs.operations import commit_cut
from app.universes.queries import Search
from app.walklists.operations import assign, create_turf_list
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.canvass.test_pwa_browser import _area
from tests.factories import PASSWORD, create_organization, create_user
from tests.turfs.conftest import build_town

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(make_database):
    def seed():
        org = create_organization("Paper Campaign")
        dana = create_user(org, Role.DIRECTOR, email="dana@paper.test", name="Dana Director")
        kim = create_user(org, Role.CANVASSER, email="kim@paper.test", name="Kim Canvass")
        town = build_town(org)
        cut = commit_cut(Actor.system(org.id, "test"), CutSpec(target=52, polygon=_area(town)),
                         "Town")  # fmt: skip
        turf = db.session.scalars(select(Turf).filter_by(cut_id=cut.id).order_by(Turf.id)).first()
        walk_list = create_turf_list(Actor.of(dana), turf, Search(org.id, {}))
        assign(Actor.of(dana), walk_list, [kim.id])
        stops = [
            {"household_id": s.household_id, "people": [p.person_id for p in s.people]}
            for s in walk_list.stops if s.people
        ]  # fmt: skip
        return {"list_id": walk_list.id, "code": walk_list.code, "kim": kim.id,
                "dana": dana.id, "stops": stops}  # fmt: skip

    for server in serve(make_database, "doorstep_paper"):
        yield server, server.run(seed)


def scan(page, code: str) -> None:
    """What a hand scanner does: type the code into the focused input, then Enter."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_a_director_keys_a_sheet_with_a_hand_scanner(live, browser):  # noqa: F811
    server, ids = live
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.url}/console#/paper")
    page.fill("input[name=email]", "dana@paper.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#screen-paper:not([hidden])")
    assert "Paper" in page.locator("#tabs a:visible").all_inner_texts()
    assert page.locator("#paper-code").is_visible()
    assert not page.locator("#paper-sheet").is_visible()

    page.locator("#paper-code").focus()
    scan(page, ids["code"].lower())
    page.wait_for_selector("#paper-sheet:not([hidden])")
    assert page.locator("#paper-canvasser option:checked").inner_text() == "Kim Canvass"
    assert not page.locator("#paper-name-label").is_visible()
    stops = ids["stops"]

    # A lost answer (the server applied the home, the browser never heard): sent again.
    server.lose_next(f"/api/v1/paper/sheets/{ids['list_id']}/knocks")
    for stop in stops[:3]:  # not home: the row's code, then its box
        scan(page, str(stop["people"][0]))
        row = page.locator(f".keyed-person[data-person-id='{stop['people'][0]}']")
        assert row.is_visible() and "focus" in row.get_attribute("class")
        box = row.get_by_role("button", name="NH", exact=True)
        box.click()
        assert box.get_attribute("aria-pressed") == "true"
    scan(page, str(stops[3]["people"][0]))  # support 2: canvassed, with the answer
    page.locator(f".keyed-person[data-person-id='{stops[3]['people'][0]}']").get_by_role(
        "button", name="2", exact=True).click()  # fmt: skip
    page.locator("#paper-code").press("Enter")  # Enter alone sends the home in hand
    scan(page, f"H{stops[4]['household_id']}")  # a home's code: the whole home's box
    page.locator(".whole-home").get_by_role("button", name="CB", exact=True).click()
    page.wait_for_selector("#paper-tally:has-text('Keyed 5 of')", timeout=15_000)
    page.wait_for_selector("#paper-queue:has-text('Everything keyed has reached the server')")
    assert server.losing.lost == 1

    def stored():
        knocks = db.session.scalars(select(DoorKnock).filter_by(walk_list_id=ids["list_id"]))
        answered = db.session.scalar(select(func.count()).select_from(Interaction).where(
            Interaction.person_id == stops[3]["people"][0],
            Interaction.data["answers"]["support"].astext == "2"))  # fmt: skip
        return [(k.household_id, k.user_id, k.keyed_by_id) for k in knocks], answered

    knocks, answered = server.run(stored)
    assert sorted(k[0] for k in knocks) == sorted(s["household_id"] for s in stops[:5])
    assert {(k[1], k[2]) for k in knocks} == {(ids["kim"], ids["dana"])} and answered == 1
    done = page.locator(f"#paper-homes li[data-household-id='{stops[0]['household_id']}'] .state")
    assert done.inner_text() == "keyed" and done.is_visible()

    # Someone else, name not typed: the home stays in hand, the name is asked for.
    page.select_option("#paper-canvasser", "")
    assert page.locator("#paper-canvasser-name").is_visible()
    page.locator("#paper-code").focus()
    scan(page, str(stops[5]["people"][0]))
    page.locator(f".keyed-person[data-person-id='{stops[5]['people'][0]}']").get_by_role(
        "button", name="RF", exact=True).click()  # fmt: skip
    page.locator("#paper-code").press("Enter")
    page.wait_for_selector("#paper-status.error:has-text('canvasser')")
    assert page.locator(".paper-door h3").is_visible()  # still in hand
    page.fill("#paper-canvasser-name", "Pat Paper")
    page.get_by_role("button", name="Send and next (Enter)").click()
    page.wait_for_selector("#paper-tally:has-text('Keyed 6 of')")
    named = server.run(lambda: db.session.scalar(select(DoorKnock.canvasser_name).filter_by(
        household_id=stops[5]["household_id"])))  # fmt: skip
    assert named == "Pat Paper"
    assert errors == []
    page.close()

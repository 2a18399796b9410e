"""The console's Review screen in Debian's chromium: a director sees each canvasser's sync
batches with their flags and distances from the doors, releases a batch that arrived after its
list was taken back, holds and rolls back another with a reason, and downloads the VAN file.
An organiser (no canvass.review) has no Review tab."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from geoalchemy2.shape import to_shape
from sqlalchemy import select

from app.accounts.models import User
from app.auth.permissions import Role
from app.core.actor import Actor
from app.extensions import db
from app.turfs.cutting import CutSpec
from app.turfs.models import Turf
from app.turfs.operations import commit_cut
from app.universes.queries import Search
from app.voters.models import Address
from app.walklists.models import WalkList, WalkListStop
from app.walklists.operations import assign, create_turf_list, unassign
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.canvass.test_pwa_browser import _area
from tests.factories import PASSWORD, auth_headers, create_organization, create_user
from tests.turfs.conftest import build_town

pytestmark = pytest.mark.browser


def record(stop: WalkListStop, at: datetime, north: float = 0.0) -> dict:
    """A not-home knock at ``stop``, ``north`` degrees north of its door."""
    point = to_shape(db.session.get(Address, stop.address_id).point)
    return {
        "uuid": str(uuid.uuid4()), "walk_list_id": stop.walk_list_id,
        "household_id": stop.household_id, "result": "not_home", "client_at": at.isoformat(),
        "gps": {"lat": point.y + north, "lon": point.x, "accuracy": 8},
    }  # fmt: skip


@pytest.fixture(scope="module")
def live(make_database):
    """Kim's batches (one door knocked three times in 20 s; one knock a kilometre away) and
    Lee's knock that arrived after his list was taken back."""

    def seed():
        org = create_organization("Review Campaign")
        dana = create_user(org, Role.DIRECTOR, email="dana@review.test", name="Dana Director")
        create_user(org, Role.ORGANIZER, email="olga@review.test", name="Olga Organiser")
        kim = create_user(org, Role.CANVASSER, email="kim@review.test", name="Kim Canvass")
        lee = create_user(org, Role.CANVASSER, email="lee@review.test", name="Lee Walker")
        town = build_town(org)
        cut = commit_cut(
            Actor.system(org.id, "test"), CutSpec(target=52, polygon=_area(town)), "Town"
        )
        turfs = db.session.scalars(select(Turf).filter_by(cut_id=cut.id).order_by(Turf.id)).all()
        lists = [create_turf_list(Actor.of(dana), t, Search(org.id, {})) for t in turfs[:2]]
        assign(Actor.of(dana), lists[0], [kim.id])
        assign(Actor.of(dana), lists[1], [lee.id])
        return {"lists": [w.id for w in lists], "kim": kim.id, "lee": lee.id}

    for server in serve(make_database, "doorstep_review"):
        ids = server.run(seed)
        send_batches(server, ids)
        yield server, ids


def send_batches(server, ids: dict) -> None:
    """Kim's two batches; then Lee's list is taken back before his knock arrives."""
    now = datetime.now(UTC)

    def prepare():
        stops = [
            db.session.scalars(select(WalkListStop).filter_by(walk_list_id=list_id)
                               .order_by(WalkListStop.position)).all()
            for list_id in ids["lists"]
        ]  # fmt: skip
        return {
            "kim": auth_headers(db.session.get(User, ids["kim"])),
            "lee": auth_headers(db.session.get(User, ids["lee"])),
            "repeated": [record(stops[0][0], now - timedelta(seconds=s)) for s in (30, 20, 10)],
            "far": [record(stops[0][1], now, north=0.01)],
            "late": [record(stops[1][0], now - timedelta(minutes=1))],
        }

    made = server.run(prepare)
    client = server.app.test_client()
    for who, records in (("kim", "repeated"), ("kim", "far"), ("lee", "late")):
        if records == "late":
            server.run(lambda: unassign(db.session.get(WalkList, ids["lists"][1]), ids["lee"]))
        response = client.post(
            "/api/v1/canvass/sync",
            headers=made[who],
            json={"device_id": "phone", "records": made[records], "sent_at": now.isoformat()},
        )
        assert response.status_code == 200, response.get_json()


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/console#/review")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#console:not([hidden])")


def cells(row) -> list[str]:
    return [text.strip() for text in row.locator("td").all_inner_texts()]


def test_a_director_reviews_each_canvassers_batches(live, browser, tmp_path):  # noqa: F811
    server, ids = live
    page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, server.url, "dana@review.test")
    assert "Review" in page.locator("#tabs a:visible").all_inner_texts()
    page.wait_for_selector("#review-status:has-text('3 batches')")
    assert page.locator("#screen-review").is_visible()

    kim = page.locator(f"section.canvasser[data-user-id='{ids['kim']}']")
    lee = page.locator(f"section.canvasser[data-user-id='{ids['lee']}']")
    assert kim.locator("h3").inner_text().startswith("Kim Canvass")
    assert lee.locator("h3").inner_text().startswith("Lee Walker")
    kim_rows = kim.locator("tbody tr")
    assert kim_rows.count() == 2
    repeated, far = (kim_rows.nth(n) for n in (1, 0))  # newest first
    flag = repeated.locator(".flag")
    assert flag.inner_text() == "One door, many knocks in seconds"
    assert flag.is_visible() and flag.bounding_box()["width"] > 0
    assert cells(repeated)[1] == "3" and "3 near" in cells(repeated)[4]
    assert "1 far" in cells(far)[4] and "farthest 1" in cells(far)[4]  # about 1,100 m
    assert cells(far)[3] == "none" and cells(far)[5] == "right"

    # Lee's knock came after his list was taken back: held on arrival; released, it counts.
    held = lee.locator("tbody tr").first
    assert cells(held)[2].startswith("Held") and "taken back or closed" in cells(held)[2]
    assert held.get_by_role("button", name="Hold").count() == 0
    held.get_by_role("button", name="Release").click()
    page.wait_for_function(
        "id => document.querySelector(`section[data-user-id='${id}'] tbody td:nth-child(3)`)"
        ".textContent.startsWith('Counted')", arg=ids["lee"])  # fmt: skip

    # Hold Kim's flagged batch: a reason is asked for, then it shows held with the reason.
    repeated = kim.locator("tbody tr[data-batch-id]").nth(1)
    batch_id = repeated.get_attribute("data-batch-id")
    repeated.get_by_role("button", name="Hold").click()
    reason = kim.locator(".reason-row input[name=reason]")
    assert reason.is_visible()
    reason.fill("one door three times in 20 seconds")
    kim.get_by_role("button", name="Confirm hold").click()
    row = page.locator(f"tr[data-batch-id='{batch_id}']")
    page.wait_for_function(
        "id => document.querySelector(`tr[data-batch-id='${id}'] td:nth-child(3)`)"
        ".textContent.startsWith('Held')", arg=batch_id)  # fmt: skip
    assert "one door three times" in cells(row)[2]
    assert row.get_by_role("button", name="Release").is_visible()
    row.get_by_role("button", name="Roll back").click()
    page.locator(".reason-row input[name=reason]").fill("made up")
    page.get_by_role("button", name="Confirm roll back").click()
    page.wait_for_function(
        "id => document.querySelector(`tr[data-batch-id='${id}'] td:nth-child(3)`)"
        ".textContent.startsWith('Rolled back')", arg=batch_id)  # fmt: skip
    assert row.locator("button").count() == 0

    # Only held batches, then the VAN file.
    page.select_option("#review-filters select[name=status]", "held")
    page.wait_for_selector("#review-status:has-text('0 batches')")
    assert page.locator("#review-batches tr").count() == 0
    export = page.get_by_role("button", name="Download VAN file (CSV)")
    assert export.is_visible()
    with page.expect_download() as download:
        export.click()
    path = tmp_path / "van.csv"
    download.value.save_as(path)
    header = path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("VanID,StateFileID,ContactTypeID")
    page.wait_for_selector("#van-status:has-text('Downloaded.')")
    assert errors == []
    page.close()


def test_an_organizer_has_no_review_screen(live, browser):  # noqa: F811
    server, _ = live
    page = browser.new_page()
    sign_in(page, server.url, "olga@review.test")
    page.wait_for_selector("#tabs a:visible")
    assert "Review" not in page.locator("#tabs a:visible").all_inner_texts()
    assert not page.locator("#screen-review").is_visible()
    assert not page.locator("#van-export").is_visible()
    page.close()

"""The console's Mail drops and Links screens in Debian's chromium: a director drafts a drop
from a universe, downloads the mail house's file, records it as mailed (cost in dollars) and
reads its figures; makes a tracked link and sees its click counted; admins alone see the
destinations form; organisers have both tabs; canvassers neither."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.auth.permissions import Role
from app.core.actor import Actor
from app.universes.operations import create_universe
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.factories import (
    PASSWORD,
    create_household,
    create_organization,
    create_person,
    create_user,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(make_database):
    def seed():
        org = create_organization("Mail Console")
        dana = create_user(org, Role.DIRECTOR, email="dana@mail.test", name="Dana Director")
        create_user(org, Role.ADMIN, email="ari@mail.test", name="Ari Admin")
        create_user(org, Role.ORGANIZER, email="olga@mail.test", name="Olga Organiser")
        create_user(org, Role.CANVASSER, email="cal@mail.test", name="Cal Canvass")
        homes = [create_household(org, house_number=n, street="ELM ST") for n in ("10", "11")]
        for n, last in enumerate(("ORTIZ", "ORTIZ", "LEE")):
            create_person(org, household=homes[n // 2], first_name=f"PAT{n}", last_name=last)
        create_universe(Actor.of(dana), name="Everyone at home", filter={})

    for server in serve(make_database, "doorstep_mail_console"):
        server.run(seed)
        yield server


def sign_in(page, base: str, email: str, hash_: str) -> None:
    page.goto(f"{base}/console{hash_}")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#console:not([hidden])")


def tabs(page) -> list[str]:
    return page.locator("#tabs a:visible").all_inner_texts()


def test_a_director_drafts_downloads_and_records_a_drop(live, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live.url, "dana@mail.test", "#/mail")
    assert {"Mail drops", "Links"} <= set(tabs(page))
    form = page.locator("#drop-form")
    form.wait_for(state="visible")
    form.locator("input[name=name]").fill("GOTV postcard 3")
    page.select_option("#drop-form select[name=universe_id]", label="Everyone at home")
    form.get_by_role("button", name="Draft the drop").click()
    page.wait_for_selector("#drop-detail:not([hidden])")
    assert page.locator("#drop-title").inner_text() == "GOTV postcard 3"
    assert page.locator("#drops tr .drop-quantity").inner_text() == "2"  # two households
    with page.expect_download() as downloaded:
        page.get_by_role("button", name="Mail house file (CSV)").click()
    text = Path(downloaded.value.path()).read_text(encoding="utf-8-sig")
    assert "Pat0 & Pat1 Ortiz" in text and "Pat2 Lee" in text

    mailed = page.locator("#drop-mailed-form")
    assert mailed.is_visible()
    mailed.locator("input[name=mailed_on]").fill("2026-10-20")
    mailed.locator("input[name=cost]").fill("1,250.50")
    mailed.get_by_role("button", name="Record the drop").click()
    page.wait_for_selector("#drop-status:has-text('in every recipient')")
    figures = page.locator("#drop-figures").inner_text()
    assert "$1,250.50" in figures and "$625.25" in figures  # the cost, and per piece
    assert not mailed.is_visible()
    assert errors == []


def test_links_their_clicks_and_who_sees_destinations(live, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    sign_in(page, live.url, "dana@mail.test", "#/links")
    form = page.locator("#link-form")
    form.wait_for(state="visible")
    assert not page.locator("#destination-form").is_visible()  # admins only
    form.locator("input[name=name]").fill("October ad")
    form.locator("input[name=source_code]").fill("fb-oct-1")
    page.select_option("#link-form select[name=channel]", label="Facebook")
    form.locator("input[name=path]").fill("/")
    form.get_by_role("button", name="Make the link").click()
    page.wait_for_selector("#links tr")
    code = page.locator("#links .short-url").inner_text().rsplit("/", 1)[1]
    followed = page.request.get(f"{live.url}/l/{code}", max_redirects=0)
    assert followed.status == 302
    page.reload()
    page.wait_for_selector("#links tr .link-clicks:has-text('1')")
    assert page.locator("#links tr .link-clicks").is_visible()

    admin = browser.new_page(viewport={"width": 1400, "height": 1000})
    sign_in(admin, live.url, "ari@mail.test", "#/links")
    admin.locator("#destination-form").wait_for(state="visible")
    assert admin.locator("#destination-form").bounding_box()["height"] > 0


def test_organisers_have_both_tabs_and_canvassers_neither(live, browser):  # noqa: F811
    page = browser.new_page()
    sign_in(page, live.url, "olga@mail.test", "#/mail")
    assert {"Mail drops", "Links"} <= set(tabs(page))
    page.locator("#drop-form").wait_for(state="visible")
    other = browser.new_page()
    sign_in(other, live.url, "cal@mail.test", "#/mail")
    assert not {"Mail drops", "Links"} & set(tabs(other))
    assert not other.locator("#screen-mail").is_visible()
    assert not other.locator("#screen-links").is_visible()

"""The console's API keys screen in Debian's chromium: an admin makes a key with two scopes
(its secret shown once, and it works on the OSDI API), sees it listed with its last use, and
revokes it (the API then refuses it). A director has no API keys tab."""

from __future__ import annotations

import pytest
import requests

from app.auth.permissions import Role
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.console.test_money_browser import sign_in, style
from tests.factories import create_organization, create_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(make_database):
    def seed():
        org = create_organization("Keys Campaign")
        create_user(org, Role.ADMIN, email="ada@keys.test", name="Ada Admin")
        create_user(org, Role.DIRECTOR, email="dot@keys.test", name="Dot Director")

    for server in serve(make_database, "doorstep_api_keys"):
        server.run(seed)
        yield server


def test_an_admin_makes_uses_and_revokes_a_key(live, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live.url, "ada@keys.test", "#/keys")
    tab = page.locator("#tabs a[data-screen=keys]")
    assert tab.bounding_box() is not None and style(tab, "display") != "none"
    page.wait_for_selector("#keys table, #keys p")
    assert page.locator("#key-secret-box").bounding_box() is None  # nothing to show yet

    page.fill("#key-form input[name=name]", "Parsons sync")
    page.check("#key-form input[value='people.read']")
    page.check("#key-form input[value='events.read']")
    page.click("#key-form button[type=submit]")
    page.wait_for_selector("#key-secret-box:not([hidden])")
    secret = page.locator("#key-secret").inner_text().strip()
    assert secret.startswith("dsk_") and page.locator("#key-secret").bounding_box()["height"] > 0
    row = page.locator("#keys tr", has_text="Parsons sync")
    assert "events.read, people.read" in row.inner_text() and "never" in row.inner_text()

    osdi = f"{live.url}/api/osdi/v1/people"
    assert requests.get(osdi, headers={"OSDI-API-Token": secret}, timeout=10).status_code == 200
    page.reload()
    page.wait_for_selector("#keys tr:has-text('Parsons sync')")
    assert "never" not in page.locator("#keys tr", has_text="Parsons sync").inner_text()

    page.locator("#keys tr", has_text="Parsons sync").locator("button").click()
    page.wait_for_selector("#keys tr:has-text('revoked')")
    assert requests.get(osdi, headers={"OSDI-API-Token": secret}, timeout=10).status_code == 401
    assert errors == []

    other = browser.new_page()
    sign_in(other, live.url, "dot@keys.test", "#/keys")
    assert other.locator("#tabs a[data-screen=keys]").bounding_box() is None
    assert other.locator("#screen-keys").bounding_box() is None

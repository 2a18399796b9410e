"""The console's Webhooks screen in Debian's chromium: an admin adds a subscription (a bad URL
is refused next to its field), sees the secret once, sends a test event that the worker
delivers to a real receiver, reads the delivery, pauses and resumes. A director has no tab."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.auth.permissions import Role
from app.core.tasks import run_task
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.factories import PASSWORD, create_organization, create_user
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(make_database):
    def seed():
        org = create_organization("Hooks Campaign")
        create_user(org, Role.ADMIN, email="ada@hooks.test", name="Ada Admin")
        create_user(org, Role.DIRECTOR, email="dana@hooks.test", name="Dana Director")

    for server in serve(make_database, "doorstep_webhooks_console"):
        server.run(seed)
        yield server


@pytest.fixture
def hook_receiver():
    made = Receiver()
    yield made
    made.close()


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/console#/webhooks")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#console:not([hidden])")


def test_an_admin_subscribes_and_sees_a_test_event_delivered(live, browser, hook_receiver):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live.url, "ada@hooks.test")
    assert "Webhooks" in page.locator("#tabs a:visible").all_inner_texts()
    page.wait_for_selector("#webhook-types input[value='person.created']")
    assert page.locator("#screen-webhooks").is_visible()
    assert not page.locator("#webhook-secret").is_visible()

    form = page.locator("#webhook-form")
    form.locator("input[name=name]").fill("CRM")
    form.locator("input[name=url]").fill("ftp://nowhere.example/hook")
    form.locator("input[value='person.created']").check()
    form.locator("button[type=submit]").click()
    refusal = page.locator(".field-error[data-field=url]")
    refusal.wait_for()
    assert refusal.is_visible() and "https" in refusal.inner_text()

    form.locator("input[name=url]").fill(hook_receiver.url)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#webhook-secret:not([hidden])")
    box = page.locator("#webhook-secret-value").bounding_box()
    assert box and box["height"] > 0
    secret = page.locator("#webhook-secret-value").inner_text().strip()
    assert secret.startswith("whsec_")
    hook_receiver.secret = secret
    row = page.locator("#webhooks tbody tr")
    assert "CRM" in row.inner_text() and "active" in row.inner_text()

    row.locator("button:has-text('Send test')").click()
    page.wait_for_selector("#webhooks-status:has-text('test event queued')")
    live.run(lambda: run_task("webhooks", datetime.now(UTC)))
    assert hook_receiver.types() == ["webhook.test"]
    row.locator("button:has-text('Deliveries')").click()
    deliveries = page.locator("#webhook-deliveries tbody tr")
    deliveries.first.wait_for()
    assert "delivered" in deliveries.first.inner_text()
    assert "HTTP 200" in deliveries.first.inner_text()

    row.locator("button:has-text('Pause')").click()
    page.wait_for_selector("#webhooks tbody tr:has-text('paused')")
    page.locator("#webhooks tbody tr button:has-text('Resume')").click()
    page.wait_for_selector("#webhooks-status:has-text('resumed')")
    assert "active" in page.locator("#webhooks tbody tr").inner_text()

    page.goto(f"{live.url}/console#/map")  # leaving the screen hides the secret for good
    page.goto(f"{live.url}/console#/webhooks")
    page.wait_for_selector("#screen-webhooks:not([hidden])")
    assert not page.locator("#webhook-secret").is_visible()
    assert errors == []
    page.close()


def test_a_director_has_no_webhooks_screen(live, browser):  # noqa: F811
    page = browser.new_page()
    sign_in(page, live.url, "dana@hooks.test")
    page.wait_for_selector("#tabs a:visible")
    assert "Webhooks" not in page.locator("#tabs a:visible").all_inner_texts()
    assert not page.locator("#screen-webhooks").is_visible()
    page.close()

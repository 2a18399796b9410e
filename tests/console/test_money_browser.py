"""The console's Money screen in Debian's chromium: finance opens a deposit batch for a slip,
types two checks and a cash gift against it (the running total shows what is still to come,
Close waits until it balances), closes it; settles a gift of the review queue on its donor;
sees the flags soonest due first with the overdue ones in red and resolves one; and reads the
donations list. An organizer has no Money tab."""

from __future__ import annotations

from datetime import date

import pytest

from app.auth.permissions import Role
from app.core.actor import Actor
from app.donations.committee import add_election
from app.donations.models import Method
from app.donations.operations import record_donation
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
    """Fran (finance); Ada over the primary's limit; Cal's cash over $100; a gift from "Bea
    Able" at another door of Bea's ZIP, waiting in the review queue."""

    def seed():
        org = create_organization("Money Campaign")
        create_user(org, Role.FINANCE, email="fran@money.test", name="Fran Finance")
        create_user(org, Role.ORGANIZER, email="olga@money.test", name="Olga Organiser")
        actor = Actor.system(org.id, "test")
        primary = add_election(actor, {"kind": "P", "held_on": date(2026, 5, 19)})
        add_election(actor, {"kind": "G", "held_on": date(2099, 11, 3)})  # still to come
        people = {}
        for n, (first, last) in enumerate([("Ada", "Giver"), ("Cal", "Cash"), ("Bea", "Able")]):
            home = create_household(org, house_number=str(10 + n), street="ELM ST")
            people[first] = create_person(org, household=home, first_name=first, last_name=last)
        base = {"election_id": primary.id, "received_on": date(2026, 3, 2),
                "employer": "Acme", "occupation": "Engineer"}  # fmt: skip
        gifts = [
            ({"amount_cents": 400_000, "method": Method.CHECK, "check_number": "1"}, "Ada"),
            ({"amount_cents": 15_000, "method": Method.CASH}, "Cal"),
            ({"amount_cents": 2_500, "method": Method.CHECK, "check_number": "7",
              "first_name": "Bea", "last_name": "Able", "street_1": "99 Oak St",
              "zip": "19104"}, None),
        ]  # fmt: skip
        for fields, who in gifts:
            record_donation(actor, {**base, **fields}, person=people[who] if who else None)
        return {"bea": people["Bea"].id}

    for server in serve(make_database, "doorstep_money"):
        yield server, server.run(seed)


def sign_in(page, base: str, email: str, where: str = "#/money") -> None:
    page.goto(f"{base}/console{where}")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#console:not([hidden])")


def style(locator, name: str) -> str:
    return locator.evaluate(f"node => getComputedStyle(node).{name}")


def test_finance_runs_the_desk_the_queue_and_the_flags(live, browser):  # noqa: F811
    server, ids = live
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, server.url, "fran@money.test")
    tabs = page.locator("#tabs a:visible").all_inner_texts()
    assert tabs == ["Money", "Dashboard"]  # money, and its dashboard: not the field program
    assert page.locator("#money-desk").is_visible()

    # A slip of three gifts, $175.50: typed one after the other, Enter adding each.
    page.fill("#batch-form input[name=name]", "Tuesday's mail")
    page.fill("#batch-form input[name=expected_count]", "3")
    page.fill("#batch-form input[name=expected_cents]", "175.50")
    page.click("#batch-form button[type=submit]")
    tally = page.locator("#batch-tally")
    page.wait_for_selector("#batch-tally:has-text('0 of 3 gifts')")
    close = page.locator("#batch-close")
    assert close.is_visible() and close.is_disabled()
    form = page.locator("#gift-form")
    amount = form.locator("input[name=amount_cents]")
    assert page.evaluate("document.activeElement.name") == "amount_cents"
    assert form.locator("select[name=election_id]").input_value() != ""  # the general: to come

    def gift(dollars: str, first: str, last: str, check: str | None = None) -> None:
        amount.fill(dollars)
        if check is None:
            form.locator("select[name=method]").select_option("cash")
        else:
            form.locator("select[name=method]").select_option("check")
            form.locator("input[name=check_number]").fill(check)
        form.locator("input[name=first_name]").fill(first)
        form.locator("input[name=last_name]").fill(last)
        form.locator("input[name=zip]").fill("19104")
        form.locator("input[name=zip]").press("Enter")

    gift("100", "Dee", "Newgiver", "2041")
    page.wait_for_selector("#batch-tally:has-text('1 of 3 gifts')")
    assert "2 gifts to go" in tally.inner_text() and "$75.50 to go" in tally.inner_text()
    assert style(tally, "backgroundColor") == "rgb(254, 243, 199)"  # amber: not yet
    assert amount.input_value() == "" and page.evaluate("document.activeElement.name") == (
        "amount_cents"
    )
    gift("not money", "Eve", "Typo", "2042")
    error = form.locator(".field-error[data-field=amount_cents]")
    assert error.is_visible() and "dollars and cents" in error.inner_text()
    gift("50.50", "Eve", "Second", "2042")
    page.wait_for_selector("#batch-tally:has-text('2 of 3 gifts')")
    assert not error.is_visible()
    gift("25", "Finn", "Cashman")
    assert not form.locator(".check-number").is_visible()  # cash has no check number
    page.wait_for_selector("#batch-tally:has-text('balanced')")
    assert style(tally, "backgroundColor") == "rgb(220, 252, 231)"  # green
    rows = page.locator("#batch-gifts tr")
    assert rows.count() == 3
    assert rows.nth(0).locator("td").nth(0).inner_text() == "Cash"
    assert rows.nth(2).locator("td.amount").inner_text() == "$100.00"
    close.click()
    page.wait_for_selector("#batch-tally:has-text('Closed')")
    assert not form.is_visible() and not close.is_visible()
    page.wait_for_selector("#batches tr:has-text(\"Tuesday's mail\") td:text-is('Closed')")

    # The review queue: Bea's gift from another door; she is the donor.
    page.click("#money-parts a[data-part=review]")
    item = page.locator(".queue-item").first
    page.wait_for_selector(".queue-item")
    assert "$25.00" in item.locator("h3").inner_text()
    candidate = item.locator(f"li[data-person-id='{ids['bea']}']")
    assert "Bea Able" in candidate.inner_text() and "same name in the ZIP" in candidate.inner_text()
    candidate.get_by_role("button", name="This is the donor").click()
    page.wait_for_selector("#review-queue-status:has-text('Settled on Bea Able')")
    assert page.locator(".queue-item").count() == 0

    # Flags: Ada's excess was due in May (overdue, in red); Cal's cash is resolved with a note.
    page.click("#money-parts a[data-part=flags]")
    page.wait_for_selector("#flags tr[data-flag-id]")
    first = page.locator("#flags tr[data-flag-id]").first
    assert "Over the limit" in first.inner_text() and "$500.00" in first.inner_text()
    due = first.locator("td.due")
    assert "overdue" in due.inner_text().lower() and style(due, "color") == "rgb(153, 27, 27)"
    assert first.get_by_role("button", name="Clear").count() == 0  # an excess is cured
    cash = page.locator("#flags tr[data-flag-id]", has_text="Cash over the cash limit")
    cash.get_by_role("button", name="Resolve").click()
    page.locator(".reason-row input[name=note]").fill("Refunded $50 by check 3001")
    page.get_by_role("button", name="Resolve flag").click()
    page.wait_for_function(
        "() => ![...document.querySelectorAll('#flags tr')]"
        ".some(row => row.textContent.includes('Cash over'))"
    )
    assert page.locator("#flags-status").inner_text().startswith("1 to act on")

    # The list: every gift, newest first; the flagged ones filter.
    page.click("#money-parts a[data-part=list]")
    page.wait_for_selector("#donations-status:has-text('6 entries')")
    page.select_option("#donation-filters select[name=flagged]", "true")
    page.wait_for_selector("#donations-status:has-text('1 entry')")
    row = page.locator("#donations tr").first
    assert "Ada Giver" in row.inner_text() and row.locator(".flag").is_visible()
    assert row.locator("td.amount").bounding_box()["width"] > 0
    assert errors == []
    page.close()


def test_an_organizer_has_no_money_tab(live, browser):  # noqa: F811
    server, _ = live
    page = browser.new_page()
    sign_in(page, server.url, "olga@money.test", "#/events")
    page.wait_for_selector("#tabs a:visible")
    assert "Money" not in page.locator("#tabs a:visible").all_inner_texts()
    assert not page.locator("#screen-money").is_visible()
    page.close()

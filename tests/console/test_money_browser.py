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
from app.donations.corrections import redesignate_donation
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
        create_user(org, Role.DIRECTOR, email="dina@money.test", name="Dina Director")
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


def signed_in(chromium, base: str, email: str, where: str = "#/money"):
    """A wide page signed in as ``email`` at ``where``, and the list its script errors go to."""
    page = chromium.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, base, email, where)
    return page, errors


def style(locator, name: str) -> str:
    return locator.evaluate(f"node => getComputedStyle(node).{name}")


def test_finance_runs_the_desk_the_queue_and_the_flags(live, browser):  # noqa: F811
    server, ids = live
    page, errors = signed_in(browser, server.url, "fran@money.test")
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


def test_finance_corrects_a_gift_from_the_donors_giving(live, browser):  # noqa: F811
    """Ada's $4,000 is $500 over the primary's limit (in red); a redesignation of $500 to the
    general and a $100 refund typed on her screen move the figures shown."""
    server, _ = live
    page, errors = signed_in(browser, server.url, "fran@money.test", "#/money/list")
    page.wait_for_selector("#donations tr:has-text('Ada Giver')")
    page.locator("#donations tr:has-text('Ada Giver') a").first.click()
    page.wait_for_selector("#donor:not([hidden])")
    assert page.locator("#donor-name").inner_text() == "Ada Giver"
    primary = page.locator("#donor-elections tr[data-election=P2026]")
    assert primary.locator("td.given").inner_text() == "$4,000.00"
    over = primary.locator("td.over")
    assert over.inner_text() == "$500.00" and style(over, "color") == "rgb(153, 27, 27)"
    assert over.bounding_box()["width"] > 0

    # The list's link opened the gift's correction: redesignate $500 to the general.
    form = page.locator("#correction")
    page.wait_for_selector("#correction:not([hidden])")
    assert form.is_visible() and "$4,000.00" in page.locator("#correction-title").inner_text()
    assert not form.locator("select[name=election_id]").is_visible()  # a refund by default
    form.locator("select[name=action]").select_option("redesignate")
    assert form.locator("select[name=election_id]").is_visible()
    assert not form.locator("input[name=reason]").is_visible()
    form.locator("input[name=amount_cents]").fill("500")
    form.get_by_role("button", name="Record correction").click()
    page.wait_for_selector("#donor-status:has-text('Redesignate: $500.00 recorded')")
    assert not form.is_visible()
    assert primary.locator("td.given").inner_text() == "$3,500.00"
    assert primary.locator("td.over").inner_text() == ""
    general = page.locator("#donor-elections tr[data-election=G2099]")
    assert general.locator("td.given").inner_text() == "$500.00"
    assert general.locator("td.room").inner_text() == "$3,000.00"

    # A refund of $100 through the Correct button of the gift's row; a bad amount is named.
    gift = page.locator("#donor-entries tr", has_text="Contribution").first
    gift.get_by_role("button", name="Correct").click()
    page.wait_for_selector(
        "#correction:not([hidden]) #correction-title:has-text('$3,500.00 remains')"
    )
    form.locator("input[name=amount_cents]").fill("lots")
    form.get_by_role("button", name="Record correction").click()
    assert form.locator(".field-error[data-field=amount_cents]").is_visible()
    form.locator("input[name=amount_cents]").fill("100")
    form.locator("input[name=reason]").fill("Asked for it back")
    form.get_by_role("button", name="Record correction").click()
    page.wait_for_selector("#donor-status:has-text('Refund: $100.00 recorded')")
    assert primary.locator("td.given").inner_text() == "$3,400.00"
    assert page.locator("#donor-entries tr", has_text="Refund").count() == 1
    assert page.locator("#donor-pledges").is_visible()
    assert page.locator("#donor-letters").is_visible()
    assert errors == []
    page.close()


def _excess_campaign() -> None:
    """A campaign of its own (the Money Campaign's Ada is corrected by another test): Eve's
    $4,000 of March 2nd, $500 over the primary's limit, cured late by a redesignation typed
    today whose notice never went; and Dot Late's $4,000 check today ($500 over), with an
    address and no email: thanked by letter, and asked by letter to choose a cure (the
    hourly task, run here)."""
    from datetime import UTC, datetime

    from app.fundraising.cures import send_excess_requests

    org = create_organization("Excess Campaign")
    fern = create_user(org, Role.FINANCE, email="fern@excess.test", name="Fern Finance")
    actor = Actor.system(org.id, "test")
    primary = add_election(actor, {"kind": "P", "held_on": date(2026, 5, 19)})
    general = add_election(actor, {"kind": "G", "held_on": date(2099, 11, 3)})
    work = {"employer": "Acme", "occupation": "Engineer"}
    eve = create_person(org, household=create_household(org, house_number="10", street="ELM ST"),
                        first_name="Eve", last_name="Giver")  # fmt: skip
    gift, _ = record_donation(actor, {
        "election_id": primary.id, "received_on": date(2026, 3, 2), "amount_cents": 400_000,
        "method": Method.CHECK, "check_number": "1", **work}, person=eve)  # fmt: skip
    redesignate_donation(Actor.of(fern), gift, general, 50_000, date.today())
    dot = create_person(org, household=create_household(org, house_number="30", street="ELM ST"),
                        first_name="Dot", last_name="Late")  # fmt: skip
    record_donation(actor, {
        "election_id": primary.id, "received_on": date.today(), "amount_cents": 400_000,
        "method": Method.CHECK, "check_number": "88", "street_1": "30 Elm St",
        "city": "Philadelphia", "state": "PA", "zip": "19104", **work}, person=dot)  # fmt: skip
    send_excess_requests(datetime.now(UTC), org.id)


@pytest.fixture(scope="module")
def excess(live):
    server, _ = live
    server.run(_excess_campaign)
    return server


def test_finance_sees_the_excesses_and_prints_their_letters(excess, browser):  # noqa: F811
    page, errors = signed_in(browser, excess.url, "fern@excess.test", "#/money/cures")
    page.wait_for_selector("#cures tr[data-flag-id]")
    dot = page.locator("#cures tr", has_text="Dot Late")
    assert dot.locator("td.state").inner_text() == "Open" and "$500.00" in dot.inner_text()
    assert "Excess request (letter): waiting to print" in dot.inner_text()
    assert style(dot.locator("td.due"), "color") != "rgb(153, 27, 27)"
    eve = page.locator("#cures tr", has_text="Eve Giver")
    assert eve.locator("td.state").inner_text() == "Overdue\ncured; its notice never went"
    assert style(eve.locator("td.due"), "color") == "rgb(153, 27, 27)"
    assert page.locator("#letters-status").inner_text() == "Waiting: 1 excess request, 1 thank you."

    with page.expect_download() as download:
        page.get_by_role("button", name="Print the waiting letters").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.wait_for_selector("#letters-status:has-text('No letters are waiting')")
    assert page.locator("#letters-print").is_disabled()
    page.wait_for_selector(
        "#cures tr:has-text('Dot Late'):has-text('Excess request (letter): sent')"
    )
    assert page.locator("#letter-batches li").first.is_visible()
    page.select_option("#cure-filters select[name=state]", "overdue")
    page.wait_for_function("() => !document.querySelector('#cures').textContent.includes('Dot')")
    assert page.locator("#cures tr", has_text="Eve Giver").count() == 1
    assert errors == []
    page.close()


def _march_goal() -> None:
    from sqlalchemy import select

    from app.accounts.models import Organization
    from app.extensions import db
    from app.fundraising.goals import create_goal

    org = db.session.scalar(select(Organization).where(Organization.name == "Money Campaign"))
    create_goal(Actor.system(org.id, "test"), {"name": "March", "starts_on": date(2026, 3, 1),
                "ends_on": date(2026, 3, 31), "amount_cents": 500_000})  # fmt: skip


def test_a_director_reads_goals_and_totals_and_nothing_of_who_gave(live, browser):  # noqa: F811
    """March's goal ($5,000): Ada's $4,000, Cal's $150 and Bea's $25 came in on March 2nd."""
    server, _ = live
    server.run(_march_goal)
    page, errors = signed_in(browser, server.url, "dina@money.test")
    assert "Money" in page.locator("#tabs a:visible").all_inner_texts()
    assert page.locator("#money-parts a:visible").all_inner_texts() == ["Goals & totals"]
    assert (
        page.locator("#money-goals").is_visible() and not page.locator("#money-desk").is_visible()
    )
    assert not page.locator("#goal-form").is_visible()  # finance adds goals
    page.wait_for_selector("#goals tr[data-goal-id]")
    march = page.locator("#goals tr", has_text="March")
    assert march.locator("td.raised").inner_text() == "$4,175.00" and "83.5%" in march.inner_text()
    assert march.locator(".fill").bounding_box()["width"] > 0

    page.fill("#totals-form input[name=from]", "2026-03-01")
    page.fill("#totals-form input[name=to]", "2026-03-31")
    page.select_option("#totals-form select[name=by]", "election")
    assert not page.locator("#totals-form select[name=region]").is_visible()
    page.wait_for_selector("#totals tr[data-key=P2026]")
    primary = page.locator("#totals tr[data-key=P2026]")
    assert primary.locator("td.gross").inner_text() == "$4,175.00"
    assert primary.locator("td.net").inner_text() == "$4,175.00"
    page.select_option("#totals-form select[name=by]", "region")
    assert page.locator("#totals-form select[name=region]").is_visible()
    # No state was given with the gifts: one row of them, "(none)", or "Other" while it holds
    # fewer than three donors (Bea's gift counts once the review queue settles it).
    page.wait_for_function(
        "() => [...document.querySelectorAll('#totals tr:not(.total) td:first-child')]"
        ".some(td => td.textContent === '(none)' || td.textContent.startsWith('Other'))"
    )
    assert page.locator("#totals tr.total td.net").inner_text() == "$4,175.00"
    page.goto(f"{server.url}/console#/money/list")  # not a director's: back to goals
    page.wait_for_selector("#money-goals:not([hidden])")
    assert errors == []
    page.close()


def _phone_for_ada() -> None:
    from sqlalchemy import select

    from app.extensions import db
    from app.people.models import Person, PersonPhone

    ada = db.session.scalar(select(Person).where(Person.first_name == "Ada"))
    db.session.add(PersonPhone(organization_id=ada.organization_id, person_id=ada.id,
                               number="+12155550101", kind="mobile", is_primary=True))  # fmt: skip


def test_finance_works_the_call_sheet_and_records_a_pledge(live, browser):  # noqa: F811
    server, _ = live
    server.run(_phone_for_ada)
    page, errors = signed_in(browser, server.url, "fran@money.test", "#/money/calls")
    page.wait_for_selector("#call-sheet .call-card")
    assert page.locator("#call-sheet-status").inner_text().startswith("1 donor to call")
    card = page.locator(".call-card", has_text="Ada Giver")
    assert "+12155550101" in card.inner_text() and "Ask $" in card.inner_text()
    amount = card.locator("input[name=amount_cents]")
    card.locator("select[name=result]").select_option("no_answer")
    assert not amount.is_visible()
    card.locator("select[name=result]").select_option("pledged")
    assert amount.is_visible()
    amount.fill("250")
    card.get_by_role("button", name="Save the call").click()
    page.wait_for_selector(".call-card p:has-text('Saved: pledged $250.00')")
    with page.expect_download() as download:
        page.get_by_role("button", name="Print the call sheet").click()
    assert download.value.suggested_filename == "call-sheet.pdf"
    page.select_option("#call-sheet-form select[name=preset]", "recurring")
    page.wait_for_selector("#call-sheet-status:has-text('0 donors to call')")
    page.select_option("#call-sheet-form select[name=preset]", "all")
    page.wait_for_selector(".call-card:has-text('Open pledges: $250.00')")
    assert errors == []
    page.close()

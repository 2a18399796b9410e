"""The console's People screen in Debian's chromium: a director looks a person up (by name, by
phone, by email), opens her, reads her contact points, tags and one history across channels (a door
knock, a call, an email, an event sign-up, a donation, notes), pages it with "Load more" and
narrows it with the channel chips; pages a long search forward and back with the console's one
pager (pager.js), by keyboard. Canvassers and finance have no People tab.

One served app and one browser for the module (about 11 s of set-up, contended); the
director's walk-through takes about 4 s: it is one story (search, open, page, filter) told once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.auth.permissions import Role
from app.extensions import db
from app.people.models import InteractionKind, PersonEmail, PersonPhone
from app.people.operations import record_interaction
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.factories import PASSWORD, create_organization, create_person, create_user

pytestmark = pytest.mark.browser
NOTES = 26  # older than the channels' entries: the first page of 25 leaves some for "Load more"
OKAFORS = 30  # a search of two pages of 25: the second holds 5
CHANNELS = {  # the newest first, as the timeline lists them
    "door": (InteractionKind.DOOR_KNOCK, "talked", "Spoke at the door <b>"),
    "phone": (InteractionKind.CALL, "no_answer", "Rang out"),
    "email": (InteractionKind.EMAIL, "opened", "Opened the GOTV email"),
    "event": (InteractionKind.EVENT_SIGNUP, "registered", "Signed up for Saturday"),
    "donation": (InteractionKind.DONATION, None, "Gave online"),
}


@pytest.fixture(scope="module")
def live(make_database):
    """A served app: a director, a canvasser, finance; Maria with a history, and Mario."""

    def seed():
        org = create_organization("People Campaign")
        create_user(org, Role.DIRECTOR, email="dee@people.test", name="Dee Director")
        create_user(org, Role.CANVASSER, email="kim@people.test", name="Kim Canvass")
        create_user(org, Role.FINANCE, email="fin@people.test", name="Fin Ance")
        maria = create_person(org, first_name="Maria", last_name="Delgado",
                              tags=["volunteer_prospect", "spanish"])  # fmt: skip
        create_person(org, first_name="Mario", last_name="Delgado")
        for n in range(OKAFORS):
            create_person(org, first_name=f"Ada {n:02d}", last_name="Okafor")
        db.session.add_all([
            PersonEmail(organization_id=org.id, person_id=maria.id,
                        address="maria@example.org", is_primary=True),
            PersonPhone(organization_id=org.id, person_id=maria.id, number="+12155550143",
                        kind="mobile", is_primary=True),
        ])  # fmt: skip
        now = datetime.now(UTC)
        for n in range(NOTES):
            record_interaction(maria, InteractionKind.NOTE, summary=f"Note {n}",
                               occurred_at=now - timedelta(days=30, hours=n))  # fmt: skip
        for n, (kind, result, summary) in enumerate(CHANNELS.values()):
            record_interaction(maria, kind, result=result, summary=summary,
                               occurred_at=now - timedelta(hours=n + 1))  # fmt: skip
        return maria.id

    for server in serve(make_database, "doorstep_people"):
        yield server, server.run(seed)


def sign_in(browser, server, email: str):  # noqa: F811
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(f"{server.url}/console")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#who:not(:empty)")
    return page


def shown(page, selector: str) -> list[str]:
    """The ``data-channel`` of each entry matching ``selector``, each really drawn."""
    channels = []
    for item in page.locator(selector).all():
        box = item.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, item.inner_text()
        channels.append(item.get_attribute("data-channel"))
    return channels


def test_a_director_reads_one_person_s_history_across_channels(live, browser):  # noqa: F811
    server, maria = live
    page = sign_in(browser, server, "dee@people.test")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    assert "People" in page.locator("#tabs a:visible").all_inner_texts()
    page.click("#tabs a[data-screen=people]")
    search = page.locator("#people-search")
    search.locator("[name=find]").fill("delgado")
    search.locator("button[type=submit]").click()
    page.wait_for_selector("#people-status:has-text('2 people.')")
    assert page.locator("#people tr td:first-child").all_inner_texts() == [
        "Maria Delgado", "Mario Delgado"]  # fmt: skip
    search.locator("[name=find]").fill("555")  # digits: a phone, and not one
    search.locator("button[type=submit]").click()
    page.wait_for_selector("#people-status.error:has-text('The phone number is not valid')")
    search.locator("[name=find]").fill("(215) 555-0143")
    search.locator("button[type=submit]").click()
    page.wait_for_selector("#people-status:has-text('1 person.')")
    assert page.locator("#people tr td:first-child").all_inner_texts() == ["Maria Delgado"]
    search.locator("[name=find]").fill("MARIA@example.org")
    search.locator("button[type=submit]").click()
    page.wait_for_selector("#people-status:has-text('1 person.')")
    page.click("#people a:has-text('Maria Delgado')")
    page.wait_for_selector("#person-name:has-text('Maria Delgado')")
    assert page.url.endswith(f"#/people/{maria}")
    assert page.locator(f"#people tr.selected[data-person-id='{maria}']").count() == 1
    contacts = page.inner_text("#person-contacts")
    assert "maria@example.org" in contacts and "+12155550143" in contacts
    assert page.inner_text("#person-tags") == "volunteer_prospect, spanish"

    # All channels, newest first; 25 of them, then the rest through "Load more".
    page.wait_for_selector(f"#timeline-status:has-text('{NOTES + len(CHANNELS)} entries.')")
    assert shown(page, "#timeline li")[: len(CHANNELS)] == list(CHANNELS)
    assert page.locator("#timeline li").count() == 25
    assert page.locator("#timeline b").count() == 0  # the summary is text, never markup
    assert "Spoke at the door <b>" in page.inner_text("#timeline li[data-channel=door]")
    page.click("#timeline-more")
    page.wait_for_selector(f"#timeline li:nth-child({NOTES + len(CHANNELS)})")
    assert page.locator("#timeline li").count() == NOTES + len(CHANNELS)
    assert page.locator("#timeline-more").is_hidden()

    # One chip: only that channel's entries; a second adds its own; "All" shows everything.
    page.click("#timeline-channels [data-channel=phone]")
    page.wait_for_selector("#timeline-status:has-text('1 entry.')")
    assert shown(page, "#timeline li") == ["phone"]
    assert "No answer" in page.inner_text("#timeline li")
    assert page.get_attribute("#timeline-channels [data-channel=phone]", "aria-pressed") == "true"
    assert page.get_attribute("#timeline-channels [data-channel=all]", "aria-pressed") == "false"
    page.click("#timeline-channels [data-channel=donation]")
    page.wait_for_selector("#timeline-status:has-text('2 entries.')")
    assert shown(page, "#timeline li") == ["phone", "donation"]
    page.click("#timeline-channels [data-channel=all]")
    page.wait_for_selector(f"#timeline-status:has-text('{NOTES + len(CHANNELS)} entries.')")
    assert page.locator("#timeline-more").is_visible()
    assert errors == []
    page.close()


def pager_state(page, pager: str) -> dict:
    """How the pager ``pager`` is drawn: its box, what it says, each button's state as seen."""
    return page.eval_on_selector(
        pager,
        """(nav) => {
      const button = (name) => {
        const node = nav.querySelector(`[data-pager=${name}]`);
        const style = getComputedStyle(node);
        return { disabled: node.disabled, opacity: style.opacity, cursor: style.cursor,
                 tag: node.tagName, width: node.getBoundingClientRect().width };
      };
      const count = nav.querySelector("[data-pager=count]");
      return { width: nav.getBoundingClientRect().width, display: getComputedStyle(nav).display,
               count: count.textContent, live: count.getAttribute("aria-live"),
               back: button("back"), next: button("next"),
               focused: document.activeElement.dataset.pager || null };
    }""",
    )


def test_a_long_search_pages_forward_and_back_by_keyboard(live, browser):  # noqa: F811
    server, _ = live
    page = sign_in(browser, server, "dee@people.test")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.click("#tabs a[data-screen=people]")
    search = page.locator("#people-search")
    search.locator("[name=find]").fill("okafor")
    search.locator("button[type=submit]").click()
    page.wait_for_selector(f"#people-status:has-text('{OKAFORS} people.')")
    first = page.locator("#people tr td:first-child").all_inner_texts()
    assert first == [f"Ada {n:02d} Okafor" for n in range(25)]
    pager = pager_state(page, "#people-pages")
    assert pager["width"] > 0 and pager["display"] == "flex"
    assert pager["count"] == f"Page 1 of 2 (1\N{EN DASH}25 of {OKAFORS})"
    assert pager["live"] == "polite"
    assert pager["back"]["disabled"] and pager["back"]["opacity"] == "0.45"
    assert pager["back"]["cursor"] == "default" and pager["back"]["width"] > 0
    assert not pager["next"]["disabled"] and pager["next"]["opacity"] == "1"
    assert pager["next"]["tag"] == "BUTTON"

    page.focus("#people-pages [data-pager=next]")  # a keyboard user: focus, then Enter
    page.keyboard.press("Enter")
    page.wait_for_selector("#people-pages [data-pager=count]:has-text('Page 2 of 2')")
    second = page.locator("#people tr td:first-child").all_inner_texts()
    assert second == [f"Ada {n:02d} Okafor" for n in range(25, OKAFORS)]
    pager = pager_state(page, "#people-pages")
    assert pager["count"] == f"Page 2 of 2 (26\N{EN DASH}{OKAFORS} of {OKAFORS})"
    assert pager["next"]["disabled"] and pager["next"]["opacity"] == "0.45"
    assert pager["next"]["width"] > 0  # dimmed at the end, still where it was
    assert not pager["back"]["disabled"] and pager["back"]["opacity"] == "1"
    assert pager["focused"] == "back"  # the disabled Next handed the focus over

    page.keyboard.press("Enter")  # Previous, where the focus now is
    page.wait_for_selector("#people-pages [data-pager=count]:has-text('Page 1 of 2')")
    assert page.locator("#people tr td:first-child").all_inner_texts() == first
    assert pager_state(page, "#people-pages")["focused"] == "next"

    search.locator("[name=find]").fill("Ada 07 Okafor")  # one page: no pager at all
    search.locator("button[type=submit]").click()
    page.wait_for_selector("#people-status:has-text('1 person.')")
    assert page.locator("#people-pages").bounding_box() is None
    assert errors == []
    page.close()


@pytest.mark.parametrize("email", ["kim@people.test", "fin@people.test"])
def test_canvassers_and_finance_have_no_people_tab(live, browser, email):  # noqa: F811
    server, maria = live
    page = sign_in(browser, server, email)
    page.wait_for_selector(".screen:visible")
    assert "People" not in page.locator("#tabs a:visible").all_inner_texts()
    page.goto(f"{server.url}/console#/people/{maria}")  # typed in: another screen shows
    page.wait_for_selector(".screen:visible")
    assert page.locator("#screen-people").is_hidden()
    page.close()

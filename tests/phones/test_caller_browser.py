"""Call mode end to end in Debian's chromium: a caller signs in, opens her call list, is
handed a person with a tel: link, records a Left Message; goes offline, records an answered
call, reloads (the app and its queue come from the phone), comes back: the queued call is
sent exactly once and the next person comes. About 10 s: one browser, one list of three."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.auth.permissions import Role
from app.core.actor import Actor
from app.extensions import db
from app.people.models import Interaction, InteractionKind, PersonPhone, SurveyAnswer
from app.phones.models import Call
from app.phones.operations import create_call_list
from app.universes.queries import Search
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.factories import (
    PASSWORD,
    create_household,
    create_organization,
    create_person,
    create_user,
)
from tests.phones.conftest import ALL_DAY

pytestmark = pytest.mark.browser
#: Seen by a person: displayed, not invisible, with a box.
SEEN = """(el) => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
  return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0; }"""


@pytest.fixture(scope="module")
def live(make_database):
    """Three people with numbers on a list Kim (a canvasser: canvassers call) holds."""

    def seed():
        org = create_organization("Calls PWA")
        director = create_user(org, Role.DIRECTOR)
        kim = create_user(org, Role.CANVASSER, email="kim@calls-pwa.test", name="Kim Caller")
        for n, name in enumerate(("Ana", "Ben", "Cal")):
            home = create_household(org, house_number=str(n + 1), street="ELM ST")
            person = create_person(org, household=home, first_name=name, last_name="Voter")
            db.session.add(PersonPhone(organization_id=org.id, person_id=person.id,
                                       number=f"+1215555010{n}", is_primary=True))  # fmt: skip
        db.session.flush()
        made = create_call_list(Actor.of(director), Search(org.id, {}), name="Tuesday calls",
                                assignee_ids=[kim.id])  # fmt: skip
        return {"list_id": made.id}

    for server in serve(make_database, "doorstep_calls_pwa", DOORSTEP_CALLING_HOURS=ALL_DAY):
        yield server, server.run(seed)


def counts(server, list_id) -> tuple[int, int, int]:
    def read():
        calls = db.session.scalar(select(func.count()).where(Call.call_list_id == list_id))
        history = db.session.scalar(
            select(func.count()).where(Interaction.kind == InteractionKind.CALL)
        )
        answers = db.session.scalar(select(func.count()).select_from(SurveyAnswer))
        return calls, history, answers

    return server.run(read)


def handed(page) -> str:
    return page.get_attribute("#call-person", "data-person")


def test_a_caller_calls_with_and_without_signal(live, browser):  # noqa: F811
    server, ids = live
    context = browser.new_context(viewport={"width": 400, "height": 820}, service_workers="allow")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.url}/app/")
    page.fill("input[name=email]", "kim@calls-pwa.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.click("#calls-link")
    page.click("#call-lists a")
    page.wait_for_selector("#call-person")
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    # The person, and the number as a link the phone dials.
    dial = page.locator("#dial")
    assert dial.evaluate(SEEN) and dial.get_attribute("href").startswith("tel:+1215555010")
    assert "Voter" in page.inner_text("#call-person h2")
    first = handed(page)
    page.click(".door-result button[data-value=left_message]")
    page.click("#save-call")
    page.wait_for_function(
        "p => document.querySelector('#call-person')?.dataset.person !== p", arg=first
    )
    page.wait_for_selector("#outbox.synced", timeout=20000)
    assert counts(server, ids["list_id"]) == (1, 1, 0)

    # No signal: the answered call waits on the phone, and says so.
    context.set_offline(True)
    second = handed(page)
    page.click(".question[data-key=support] button[data-value='1']")
    page.click("#save-call")
    page.wait_for_selector("#outbox.waiting:has-text('1')")
    assert page.eval_on_selector("#call-nobody", SEEN)
    page.reload()  # offline: the app from the worker's cache, the queue from IndexedDB
    page.wait_for_selector("#call-nobody")
    page.wait_for_selector("#outbox.waiting:has-text('1')")
    assert counts(server, ids["list_id"]) == (1, 1, 0)

    # Signal again: sent once, and the next person comes by itself.
    context.set_offline(False)
    page.wait_for_selector("#outbox.synced", timeout=20000)
    page.wait_for_selector("#call-person", timeout=20000)
    assert handed(page) not in (first, second)
    assert counts(server, ids["list_id"]) == (2, 2, 1)
    page.click("#outbox")
    page.wait_for_selector("#outbox-sent li")
    assert page.locator("#outbox-sent li").count() == 2
    assert "Ana Voter" in page.inner_text("#outbox-sent") or "Ben Voter" in page.inner_text(
        "#outbox-sent"
    )
    assert errors == []
    context.close()

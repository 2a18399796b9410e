"""The restore drill with a real phone: the canvassing app in Debian's chromium syncs knocks,
a backup is taken, it syncs more, the server's database is restored from the backup (which
lacks those), and at its next sync the app sees the new epoch and sends them again by itself,
without a reload or a word to the canvasser at the door: every knock is there exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.auth.permissions import Role
from app.canvass.models import SyncBatch
from app.core.actor import Actor
from app.extensions import db
from app.knocks.models import DoorKnock
from app.universes.queries import Search
from app.walklists.operations import create_near_list
from tests.backups.conftest import run_cli
from tests.browsers import browser, serve  # noqa: F401 - the browser fixture
from tests.factories import (
    PASSWORD,
    create_household,
    create_organization,
    create_person,
    create_user,
)

pytestmark = pytest.mark.browser
LON, LAT = -75.19, 39.95
HOMES = 8


@pytest.fixture(scope="module")
def live(make_database, tmp_path_factory):
    """Eight houses on one list of Kim's, on a database of its own with its backup directory."""
    tmp = tmp_path_factory.mktemp("resend")
    (tmp / "uploads").mkdir()

    def seed():
        org = create_organization("Resend Campaign")
        kim = create_user(org, Role.CANVASSER, email="kim@resend.test", name="Kim Canvass")
        for n in range(HOMES):
            home = create_household(org, house_number=str(10 + 2 * n), street="ELM ST",
                                    lon=LON + 0.0002 * n, lat=LAT)  # fmt: skip
            create_person(org, household=home, first_name=f"Resident{n}", last_name="Elm")
        db.session.flush()
        walk_list = create_near_list(Actor.system(org.id, "test"), LON, LAT, HOMES,
                                     Search(org.id, {}), assignee_ids=[kim.id])  # fmt: skip
        return walk_list.id

    config = {
        "DOORSTEP_BACKUP_DIR": str(tmp / "backups"),
        "DOORSTEP_UPLOAD_DIR": str(tmp / "uploads"),
    }
    for server in serve(make_database, "doorstep_resend", **config):
        yield server, server.run(seed)


def stored(server) -> dict[str, int]:
    """How many knocks the server holds of each client uuid."""
    return server.run(lambda: {str(uuid): n for uuid, n in db.session.execute(
        select(DoorKnock.client_uuid, func.count()).group_by(DoorKnock.client_uuid))})  # fmt: skip


def until(page, condition: str, seconds: float = 20) -> None:
    """Wait until the (awaiting) JavaScript ``condition`` holds in the page: Playwright's
    wait_for_function takes a promise for a truthy value."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(f"async () => {condition}"):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still not {condition}")


def knock_not_home(page, doors: int) -> None:
    """On the door screen: Not Home, then Save & next door, ``doors`` times."""
    for _ in range(doors):
        address = page.inner_text("h1.address")
        page.click(".door-result button:text-is('Not Home')")
        page.click("#save-next")
        page.wait_for_function(
            "a => document.querySelector('h1') && document.querySelector('h1').innerText !== a",
            arg=address,
        )


def test_after_a_restore_the_app_sends_again_what_the_backup_lacks(live, browser):  # noqa: F811
    """A live server, one phone, a backup and two forced restores of its database: about 6 s."""
    server, list_id = live
    context = browser.new_context(viewport={"width": 400, "height": 820}, service_workers="allow")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.url}/app/")
    page.fill("input[name=email]", "kim@resend.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.click(f"a[href='#/list/{list_id}']")
    page.wait_for_selector(".stops li")
    page.click("a.button.primary")  # the next door to knock

    knock_not_home(page, 3)
    page.wait_for_selector("#outbox.synced", timeout=20000)
    before = stored(server)
    archive = Path(run_cli(server.app, "backup").split(" (")[0])
    knock_not_home(page, 3)
    until(page, "(await DoorstepStore.doneItems()).length === 6")
    assert len(stored(server)) == 6
    first_epoch = page.evaluate("DoorstepStore.get('epoch')")

    # The server's database is restored from the backup (the phone out of reach meanwhile).
    context.set_offline(True)
    output = run_cli(server.app, "restore", "--force", str(archive))
    assert "the phones send again what they synced since" in output
    assert stored(server) == before
    context.set_offline(False)

    # The canvasser knocks on; the save's sync answers with the new epoch, and the app sends
    # again what the server lost, in the same run, while the canvasser is at the next door.
    page.evaluate("window.notReloaded = true")
    knock_not_home(page, 1)
    # The new epoch is stored in the same step that puts the lost knocks back in line.
    until(page, f"(await DoorstepStore.get('epoch')) !== '{first_epoch}'"
                " && (await DoorstepStore.doneItems()).length === 7"
                " && (await DoorstepStore.counts()).waiting === 0")  # fmt: skip
    done = page.evaluate("async () => (await DoorstepStore.doneItems()).map((d) => d.uuid)")
    assert stored(server) == dict.fromkeys(done, 1)  # every knock, exactly once
    # The three the backup had came back "duplicate"; the three it lacked and the new one went in.
    sums = server.run(lambda: tuple(db.session.execute(
        select(func.sum(SyncBatch.applied), func.sum(SyncBatch.duplicates))).one()))  # fmt: skip
    assert sums == (7, 3)
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("location.hash").startswith(f"#/door/{list_id}/")
    page.wait_for_selector("#outbox.synced")
    assert page.locator("#screen .message.error").count() == 0

    # Restored once more from the same backup, which never had the epoch the phone holds now;
    # the phone has nothing waiting. It asks when the app starts, and sends again. A kiosk's
    # check-in goes back in line too (one for an event this database never had: it ends
    # under "needs attention", with the server's reason, as any refused record does).
    second_epoch = page.evaluate("DoorstepStore.get('epoch')")
    check_in = page.evaluate(
        """async (epoch) => {
            const uuid = crypto.randomUUID(), now = new Date().toISOString();
            await (await DoorstepStore.db()).put('checkins', {uuid, event_id: 999999, meta: {},
              record: {uuid, method: 'code', code: 'ABCDEF'}, status: 'done', queued_at: now,
              acked_at: now, epoch});
            return uuid; }""",
        second_epoch,
    )
    context.set_offline(True)
    run_cli(server.app, "restore", "--force", str(archive))
    context.set_offline(False)
    page.reload()
    until(page, f"(await DoorstepStore.get('epoch')) !== '{second_epoch}'"
                " && (await DoorstepStore.counts()).waiting === 0")  # fmt: skip
    assert stored(server) == dict.fromkeys(done, 1)
    item = page.evaluate("(uuid) => DoorstepStore.db().then((d) => d.get('checkins', uuid))",
                         check_in)  # fmt: skip
    assert item["status"] == "attention" and item["sent_again"] is True
    assert errors == []
    context.close()

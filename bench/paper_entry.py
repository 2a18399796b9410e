"""Keying a paper walk sheet back in: the console's Paper screen in Debian's chromium, driven
as a trained volunteer with a hand scanner drives it, on a 40-door sheet.

    .venv/bin/python bench/paper_entry.py [--doors 40] [--throttle 1]

Per door the bench does what the sheet asks: scan the row's code (typed with Enter, as a
keyboard-wedge scanner does), tap the box ticked on the paper (Not Home for most doors; a
support answer, a refusal; both people of a two-person home), and the next scan sends it. It
reports the screen's own time per door (from the scan until the screen is ready for the next
one), the actions each door took, and adds a keyer's time per action (a KLM-style estimate,
printed with its figures) to give seconds per door for a person. Every door must reach the
server. Goal (issue 18): a 40-door sheet in under 4 minutes, 6 s per door.

Uses BENCH_DATABASE_URL when set (the bench's rows are added to it), else a throwaway cluster.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import threading
import time
import uuid

import flask_migrate
from benchlib import bench_database
from sqlalchemy import func, select, text
from werkzeug.serving import make_server

from app import create_app
from app.accounts.operations import create_organization, create_user
from app.auth.permissions import Role
from app.core.actor import Actor
from app.extensions import db
from app.knocks.models import DoorKnock
from app.universes.queries import Search
from app.walklists.operations import create_near_list

GOAL_SECONDS_PER_DOOR = 6.0  # 40 doors in 4 minutes
#: A keyer's own time per action (seconds): find the row and read its ticked box, aim the
#: scanner and pull, move to a button and tap it (Card, Moran and Newell's keystroke-level
#: model: ~1.2 s to point and click, ~1.35 s of mental preparation, rounded for a trained
#: keyer working down a sheet).
READ_ROW, SCAN, TAP = 1.5, 1.0, 1.0
PASSWORD = "bench-password-long-enough"  # noqa: S105 - bench only
SECRET = "bench-secret-key-that-is-long-enough-for-hs256-signing"  # noqa: S105 - bench only
LON, LAT = -75.2, 39.95


def seed(doors: int) -> dict:
    """A director, a canvasser, and a list of ``doors`` homes (every fifth has two people)."""
    org = create_organization(f"Paper bench {uuid.uuid4().hex[:6]}", f"pb-{uuid.uuid4().hex[:8]}")
    email = f"dana-{org.id}@bench.test"
    create_user(org, email=email, name="Dana Director", role=Role.DIRECTOR, password=PASSWORD)
    kim = create_user(org, email=f"kim-{org.id}@bench.test", name="Kim Canvass",
                      role=Role.CANVASSER, password=PASSWORD)  # fmt: skip
    db.session.flush()
    for n in range(doors):
        db.session.execute(
            text(
                """
                WITH a AS (
                  INSERT INTO addresses (organization_id, house_number, street, point)
                  VALUES (:org, :number, 'BENCH ST', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
                  RETURNING id, point),
                h AS (INSERT INTO households (organization_id, address_id)
                      SELECT :org, id FROM a RETURNING id)
                INSERT INTO people (organization_id, first_name, last_name, household_id, location)
                SELECT :org, first, 'Voter', h.id, a.point
                FROM h, a, unnest(CAST(:firsts AS text[])) AS first
                """
            ),
            {"org": org.id, "number": str(100 + 2 * n), "lon": LON + n * 0.0001, "lat": LAT,
             "firsts": ["Pat", "Sam"] if n % 5 == 4 else ["Pat"]},
        )  # fmt: skip
    actor = Actor.system(org.id, "bench")
    walk_list = create_near_list(actor, LON, LAT, doors, Search(org.id, {}),
                                 assignee_ids=[kim.id])  # fmt: skip
    db.session.commit()
    stops = [[p.person_id for p in stop.people] for stop in walk_list.stops]
    return {"email": email, "list_id": walk_list.id, "code": walk_list.code, "stops": stops}


def plan(n: int, people: list[int]) -> list[tuple[int, str]]:
    """What is ticked on the paper for the ``n``-th door: (person, box) per row."""
    if len(people) > 1:
        return [(people[0], "1"), (people[1], "RF")]
    return [(people[0], "2" if n % 4 == 1 else "RF" if n % 10 == 3 else "NH")]


def drive(url: str, ids: dict, throttle: int) -> tuple[list[float], int, int, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        if throttle > 1:
            cdp = page.context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        page.goto(f"{url}/console#/paper")
        page.fill("input[name=email]", ids["email"])
        page.fill("input[name=password]", PASSWORD)
        page.click("#login button[type=submit]")
        page.wait_for_selector("#screen-paper:not([hidden])")
        page.locator("#paper-code").focus()
        page.keyboard.type(ids["code"])
        page.keyboard.press("Enter")
        page.wait_for_selector("#paper-sheet:not([hidden])")
        per_door, scans, taps = [], 0, 0
        started = time.perf_counter()
        for n, people in enumerate(ids["stops"]):
            door_started = time.perf_counter()
            for person, box in plan(n, people):
                page.keyboard.type(str(person))
                page.keyboard.press("Enter")
                scans += 1
                row = page.locator(f".keyed-person[data-person-id='{person}']")
                row.get_by_role("button", name=box, exact=True).click()
                taps += 1
            per_door.append(time.perf_counter() - door_started)
        page.keyboard.press("Enter")  # the last home: Enter alone sends it
        page.wait_for_selector(f"#paper-tally:has-text('Keyed {len(ids['stops'])} of')",
                               timeout=60_000)  # fmt: skip
        page.wait_for_selector("#paper-queue:has-text('Everything keyed')")
        whole = time.perf_counter() - started
        browser.close()
    return per_door, scans, taps, whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doors", type=int, default=40)
    parser.add_argument("--throttle", type=int, default=1, help="CPU slowdown (4: a slow laptop)")
    args = parser.parse_args()
    with bench_database("paper_bench") as url:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "DOORSTEP_LOG_LEVEL": "WARNING"}
        )
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        with app.app_context():
            flask_migrate.upgrade()
            ids = seed(args.doors)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            per_door, scans, taps, whole = drive(f"http://127.0.0.1:{server.server_port}", ids,
                                                 args.throttle)  # fmt: skip
            with app.app_context():
                stored = db.session.scalar(select(func.count()).select_from(DoorKnock).where(
                    DoorKnock.walk_list_id == ids["list_id"]))  # fmt: skip
        finally:
            server.shutdown()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    doors = len(per_door)
    screen = statistics.median(per_door)
    keyer = (READ_ROW * scans + SCAN * scans + TAP * taps) / doors
    person = keyer + screen
    print(
        f"sheet: {doors} doors ({sum(len(p) for p in ids['stops'])} people); CPU throttled "
        f"{args.throttle}x; {stored} door knocks reached the server"
    )
    print(
        f"screen: median {screen * 1000:.0f} ms per door (max {max(per_door) * 1000:.0f} ms);"
        f" the whole sheet in {whole:.1f} s of screen time"
    )
    print(f"actions: {scans / doors:.2f} scans and {taps / doors:.2f} taps per door")
    print(
        f"a trained keyer (read a row {READ_ROW} s, scan {SCAN} s, tap {TAP} s, plus the "
        f"screen): {person:.1f} s per door, {person * 40 / 60:.1f} min per 40 doors; goal "
        f"< {GOAL_SECONDS_PER_DOOR:.0f} s per door: "
        f"{'met' if person < GOAL_SECONDS_PER_DOOR and stored == doors else 'MISSED'}"
    )


if __name__ == "__main__":
    main()

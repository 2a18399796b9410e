"""The canvassing app on a slow phone: what it costs to install, and how fast it opens a list
with no signal. Debian's chromium, its CPU slowed 4x (CDP ``Emulation.setCPUThrottlingRate``).

    .venv/bin/python bench/pwa_start.py [--runs 15] [--homes 60] [--flats 20]

Install: the bytes the server sends under /app/ (bodies as sent, gzipped where the browser
takes it) from the first visit until the service worker has cached the app. Cold start: a new
page, offline, opened on the list, until its rows are on screen (a MutationObserver notes the
first row; navigation start is 0). Goals (issue 14): a median under 800 ms (971 ms before);
at most 150 KB to install.

Uses BENCH_DATABASE_URL when set (the bench's rows are added to it), else a throwaway cluster.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import threading
import uuid

import flask_migrate
from benchlib import bench_database
from sqlalchemy import text
from werkzeug.serving import make_server

from app import create_app
from app.accounts.operations import create_organization, create_user
from app.auth.permissions import Role
from app.core.actor import Actor
from app.extensions import db
from app.universes.queries import Search
from app.walklists.operations import create_near_list

GOAL_START_MS = 800
GOAL_INSTALL_KB = 150
THROTTLE = 4
PASSWORD = "bench-password-long-enough"  # noqa: S105 - bench only
SECRET = "bench-secret-key-that-is-long-enough-for-hs256-signing"  # noqa: S105 - bench only
LON, LAT = -75.2, 39.95
FIRST_ROW = """
new MutationObserver((_, observer) => {
  if (document.querySelector('.stops li')) {
    window.__listAt = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
"""


def seed(homes: int, flats: int) -> dict:
    """A canvasser holding one list: ``homes`` houses and a block of ``flats`` flats."""
    org = create_organization(f"PWA bench {uuid.uuid4().hex[:6]}", f"pwa-{uuid.uuid4().hex[:8]}")
    email = f"kim-{org.id}@bench.test"
    user = create_user(org, email=email, name="Kim Canvass", role=Role.CANVASSER,
                       password=PASSWORD)  # fmt: skip
    db.session.flush()

    def address(number: str, lon: float, lat: float) -> int:
        return db.session.scalar(
            text(
                "INSERT INTO addresses (organization_id, house_number, street, point) VALUES"
                " (:org, :number, 'BENCH ST', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"
                " RETURNING id"
            ),
            {"org": org.id, "number": number, "lon": lon, "lat": lat},
        )

    def home(address_id: int, unit: str) -> None:
        db.session.execute(
            text(
                """
                WITH h AS (
                  INSERT INTO households (organization_id, address_id, unit)
                  VALUES (:org, :address, :unit) RETURNING id)
                INSERT INTO people (organization_id, first_name, last_name, household_id, location)
                SELECT :org, 'Pat', 'Voter', h.id, a.point FROM h, addresses a WHERE a.id = :address
                """
            ),
            {"org": org.id, "address": address_id, "unit": unit},
        )

    for n in range(homes):
        home(address(str(100 + n), LON + n * 0.0001, LAT), "")
    block = address("300", LON, LAT + 0.001)
    for n in range(flats):
        home(block, f"{n // 4 + 1}{'ABCD'[n % 4]}")
    db.session.flush()
    actor = Actor.system(org.id, "bench")
    walk_list = create_near_list(actor, LON, LAT, homes + 1, Search(org.id, {}),
                                 assignee_ids=[user.id])  # fmt: skip
    db.session.commit()
    return {"email": email, "list_id": walk_list.id, "code": walk_list.code}


class CountBytes:
    """WSGI middleware: the body bytes sent for /app/ addresses, while counting."""

    def __init__(self, wsgi_app):
        self.wsgi_app, self.sent, self.counting = wsgi_app, 0, False
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        body = self.wsgi_app(environ, start_response)
        if not (self.counting and environ.get("PATH_INFO", "").startswith("/app")):
            return body
        chunks = list(body)
        with self.lock:
            self.sent += sum(len(c) for c in chunks)
        return chunks


def until(page, script: str, seconds: float = 60) -> None:
    """Poll ``script`` (page.evaluate, which the page's CSP does not govern) until true."""
    for _ in range(int(seconds * 20)):
        if page.evaluate(script):
            return
        page.wait_for_timeout(50)
    raise SystemExit(f"never true: {script}")


def measure(url: str, ids: dict, runs: int) -> tuple[float, list[float]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )  # fmt: skip
        context = browser.new_context(viewport={"width": 400, "height": 820},
                                      service_workers="allow")  # fmt: skip
        page = context.new_page()
        counter = measure.counter
        counter.counting = True
        page.goto(f"{url}/app/")
        until(page, "() => navigator.serviceWorker.controller !== null")
        counter.counting = False
        install_kb = counter.sent / 1024

        page.fill("input[name=email]", ids["email"])
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector(f"a[href='#/list/{ids['list_id']}']", timeout=60000)
        page.close()

        context.set_offline(True)
        times = []
        for _ in range(runs):
            page = context.new_page()
            page.add_init_script(FIRST_ROW)
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
            page.goto(f"{url}/app/#/list/{ids['list_id']}")
            until(page, "() => window.__listAt !== undefined")
            times.append(page.evaluate("window.__listAt"))
            page.close()
        browser.close()
    return install_kb, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--homes", type=int, default=60)
    parser.add_argument("--flats", type=int, default=20)
    args = parser.parse_args()
    with bench_database("pwa_bench") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
        with app.app_context():
            flask_migrate.upgrade()
            ids = seed(args.homes, args.flats)
        counter = CountBytes(app.wsgi_app)
        app.wsgi_app = counter
        measure.counter = counter
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            install_kb, times = measure(f"http://127.0.0.1:{server.server_port}", ids, args.runs)
        finally:
            server.shutdown()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    median = statistics.median(times)
    print(f"list: {args.homes} houses and {args.flats} flats; CPU throttled {THROTTLE}x")
    print(f"offline cold start to the door list: median {median:.0f} ms over {len(times)} runs"
          f" (min {min(times):.0f}, max {max(times):.0f}); goal < {GOAL_START_MS} ms:"
          f" {'met' if median < GOAL_START_MS else 'MISSED'}")  # fmt: skip
    print(f"install: {install_kb:.1f} KB sent under /app/ (compressed); goal <= {GOAL_INSTALL_KB}"
          f" KB: {'met' if install_kb <= GOAL_INSTALL_KB else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()

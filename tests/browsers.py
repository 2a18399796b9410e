"""Real-browser test parts: the app served over HTTP on its own committed database (a
browser's requests cannot join a test's rolled-back transaction), and Debian's chromium
driven by Playwright. Import the fixtures into a test module to use them."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from tests.conftest import TEST_CONFIG

CHROMIUM = shutil.which("chromium")


class LoseResponses:
    """WSGI middleware: the next ``count`` calls to ``path`` run to the end (and commit), then
    the client is told 500, as when an answer is lost on the way back to a phone."""

    def __init__(self, wsgi_app):
        self.wsgi_app, self.path, self.count, self.lost = wsgi_app, None, 0, 0

    def __call__(self, environ, start_response):
        if self.count and environ.get("PATH_INFO") == self.path:
            body = b"".join(self.wsgi_app(environ, lambda *args, **kwargs: None))
            self.count -= 1
            self.lost += 1
            del body
            start_response("500 INTERNAL SERVER ERROR", [("Content-Type", "application/json")])
            return [b'{"error": {"code": "internal_error", "message": "lost"}}']
        return self.wsgi_app(environ, start_response)


class AppendToFiles:
    """WSGI middleware: what ``extra[path]`` holds is added to that file's body, as a new
    release of the app would change it (a new service worker, for the update tests)."""

    def __init__(self, wsgi_app):
        self.wsgi_app, self.extra = wsgi_app, {}

    def __call__(self, environ, start_response):
        extra = self.extra.get(environ.get("PATH_INFO"))
        if not extra:
            return self.wsgi_app(environ, start_response)
        for conditional in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE"):
            environ.pop(conditional, None)  # the whole new file, never "304 not modified"
        seen = {}

        def keep(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers

        body = b"".join(self.wsgi_app(environ, keep)) + extra.encode()
        headers = [
            (k, v) for k, v in seen["headers"] if k.lower() not in ("content-length", "etag")
        ]
        start_response(seen["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]


class LiveServer:
    def __init__(self, app, url: str, losing: LoseResponses, appending: AppendToFiles):
        self.app, self.url, self.losing, self.appending = app, url, losing, appending

    def lose_next(self, path: str, count: int = 1) -> None:
        self.losing.path, self.losing.count = path, count

    def release(self, path: str, text: str) -> None:
        """Serve ``path`` with ``text`` added: a new version of that file."""
        self.appending.extra[path] = text

    def run(self, work: Callable):
        """Run ``work()`` in the served app's context and commit (set-up and checks)."""
        with self.app.app_context():
            result = work()
            db.session.commit()
            return result


def serve(make_database, name: str, **config):
    """Yield a LiveServer on a new database named ``name``, a copy of the migrated template
    (the ``make_database`` fixture)."""
    url = make_database(name)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **config})
    appending = AppendToFiles(app.wsgi_app)
    losing = LoseResponses(appending)
    app.wsgi_app = losing
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", losing, appending)
    finally:
        server.shutdown()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is missing (bin/test installs it: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


def claim_on_phone(page, url: str, email: str, password: str, code: str) -> None:
    """In the canvassing app at ``url``: sign in, claim the list with ``code``, wait for its
    doors and for the service worker to control the page (it works offline from then on)."""
    page.goto(f"{url}/app/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", code)
    page.click("form button[type=submit]")
    page.wait_for_selector(".stops li")
    page.wait_for_function("navigator.serviceWorker.controller !== null")

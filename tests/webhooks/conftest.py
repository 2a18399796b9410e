"""A campaign with an admin, and a real HTTP receiver on 127.0.0.1 (a thread) that checks
every signature and keeps each event id once, told to fail as a test needs."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.auth.permissions import Role
from app.webhooks.signing import ID_HEADER, SIGNATURE_HEADER, verify
from tests.factories import auth_headers, create_organization, create_user


class Receiver:
    """Answers with the next planned behaviour ("ok", "500", "slow"), then "ok"."""

    def __init__(self) -> None:
        self.secret = ""
        self.plan: list[str] = []
        self.arrivals: Counter[str] = Counter()  # event id -> requests that carried it
        self.events: dict[str, dict] = {}  # id -> body, first time it was taken
        self.bad_signatures = 0
        self.at_once = self.most_at_once = 0
        self.lock = threading.Lock()
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        server.daemon_threads = True
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_port}/hook"
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    behaviour = receiver.plan.pop(0) if receiver.plan else "ok"
                    receiver.at_once += 1
                    receiver.most_at_once = max(receiver.most_at_once, receiver.at_once)
                try:
                    self._take(body, behaviour)
                finally:
                    with receiver.lock:
                        receiver.at_once -= 1

            def _take(self, body, behaviour):
                time.sleep(0.05)  # long enough for posts to overlap
                if behaviour == "slow":
                    time.sleep(1.6)  # past the 1 s timeout the tests set
                if not verify(
                    receiver.secret, self.headers[SIGNATURE_HEADER], body, int(time.time())
                ):
                    with receiver.lock:
                        receiver.bad_signatures += 1
                    return self._answer(400, b"bad signature")
                event_id = self.headers[ID_HEADER]
                with receiver.lock:
                    receiver.arrivals[event_id] += 1
                if behaviour == "500":
                    return self._answer(500, b"x" * 5000)  # cut to 1000 in the log
                with receiver.lock:
                    receiver.events.setdefault(event_id, json.loads(body))  # once per id
                self._answer(200, b"thanks")

            def _answer(self, status, text):
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(text)))
                    self.end_headers()
                    self.wfile.write(text)
                except OSError:
                    pass  # the sender gave up (timeout)

        return Handler

    def settle(self, seconds: float = 5.0) -> None:
        """Wait until no request is being answered (a late one finishes its sleep)."""
        deadline = time.monotonic() + seconds
        while self.at_once and time.monotonic() < deadline:
            time.sleep(0.05)

    def types(self) -> list[str]:
        return sorted(event["type"] for event in self.events.values())

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()


@pytest.fixture(autouse=True)
def quick_timeouts(app, monkeypatch):
    monkeypatch.setitem(app.config, "DOORSTEP_WEBHOOK_TIMEOUT_SECONDS", 1)


@pytest.fixture
def org(db_session):
    return create_organization("Webhook Campaign")


@pytest.fixture
def admin(org):
    return create_user(org, Role.ADMIN)


@pytest.fixture
def headers(admin):
    return auth_headers(admin)


def subscribe(client, headers, receiver, types, name="CRM") -> dict:
    """A subscription to ``receiver`` through the API; the receiver learns its secret."""
    response = client.post(
        "/api/v1/webhook-subscriptions",
        headers=headers,
        json={"name": name, "url": receiver.url, "event_types": types},
    )
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    receiver.secret = created["secret"]
    return created

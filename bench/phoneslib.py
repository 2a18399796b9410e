"""Phones for the benchmarks: canvassers with a walk list each, batches of knocks as the app
posts them, the app served by gunicorn, and phones syncing at a steady pace in the background.

Not a benchmark itself; ``bench/sync_throughput.py`` and ``bench/dashboard.py`` import it.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchlib import ROOT
from sqlalchemy import text

from app.accounts.models import Organization
from app.accounts.operations import create_organization, create_user
from app.auth.permissions import Role
from app.auth.tokens import issue_tokens
from app.core.localdb import free_port
from app.extensions import db

HOMES_PER_LIST = 50
SECRET = "bench-secret-key-that-is-long-enough-for-hs256-signing"  # noqa: S105 - bench only


def seed_phones(clients: int, org: Organization | None = None) -> list[dict]:
    """One canvasser and one list of 50 homes (one voter each) per client, in ``org`` (else a
    campaign of their own)."""
    if org is None:
        org = create_organization(
            f"Sync bench {uuid.uuid4().hex[:6]}", f"sync-{uuid.uuid4().hex[:8]}"
        )
    phones, run = [], uuid.uuid4().hex[:6]
    for n in range(clients):
        user = create_user(org, email=f"phone{n}-{run}@bench.test", name=f"Phone {n}",
                           role=Role.CANVASSER, password=SECRET)  # fmt: skip
        db.session.flush()
        list_id = db.session.scalar(
            text(
                "INSERT INTO walk_lists (organization_id, name, code, kind, expires_at)"
                " VALUES (:org, :name, :code, 'turf', now() + interval '1 day') RETURNING id"
            ),
            {"org": org.id, "name": f"bench {n}", "code": uuid.uuid4().hex[:12].upper()},
        )
        db.session.execute(
            text(
                "INSERT INTO walk_list_assignments (walk_list_id, user_id, organization_id)"
                " VALUES (:list, :user, :org)"
            ),
            {"list": list_id, "user": user.id, "org": org.id},
        )
        homes = db.session.execute(
            text(
                """
                WITH a AS (
                  INSERT INTO addresses (organization_id, house_number, street, point)
                  SELECT :org, (100 + g)::text, :street,
                         ST_SetSRID(ST_MakePoint(-75.2 + g * 0.0001, 39.95 + :n * 0.001), 4326)
                  FROM generate_series(1, :k) g RETURNING id, point),
                h AS (
                  INSERT INTO households (organization_id, address_id)
                  SELECT :org, id FROM a RETURNING id, address_id),
                p AS (
                  INSERT INTO people (organization_id, first_name, last_name, household_id,
                                      location)
                  SELECT :org, 'Pat', 'Voter', h.id, a.point FROM h JOIN a ON a.id = h.address_id
                  RETURNING id, household_id)
                SELECT p.id, p.household_id, h.address_id FROM p JOIN h ON h.id = p.household_id
                ORDER BY h.address_id
                """
            ),
            {"org": org.id, "street": f"BENCH {run} {n} ST", "n": n, "k": HOMES_PER_LIST},
        ).all()
        for position, (person_id, household_id, address_id) in enumerate(homes, start=1):
            stop_id = db.session.scalar(
                text(
                    "INSERT INTO walk_list_stops (organization_id, walk_list_id, position,"
                    " door_number, address_id, household_id)"
                    " VALUES (:org, :list, :pos, :pos, :address, :household) RETURNING id"
                ),
                {"org": org.id, "list": list_id, "pos": position, "address": address_id,
                 "household": household_id},
            )  # fmt: skip
            db.session.execute(
                text(
                    "INSERT INTO walk_list_people (organization_id, walk_list_id, person_id,"
                    " stop_id, position, is_target) VALUES (:org, :list, :person, :stop, 1, true)"
                ),
                {"org": org.id, "list": list_id, "person": person_id, "stop": stop_id},
            )
        token = issue_tokens(user).access_token
        phones.append({"token": token, "list_id": list_id, "homes": homes, "org": org.id})
    return phones


def batches_for(phone: dict, count: int, rng: random.Random) -> list[dict]:
    """``count`` batches of 50 knocks on the phone's list: answers, results, GPS."""
    made = []
    for _ in range(count):
        records = []
        for person_id, household_id, _ in phone["homes"]:
            record = {
                "uuid": str(uuid.uuid4()),
                "walk_list_id": phone["list_id"],
                "household_id": household_id,
                "client_at": (
                    datetime.now(UTC) - timedelta(seconds=rng.randint(0, 600))
                ).isoformat(),
                "gps": {"lat": 39.95, "lon": -75.2, "accuracy": 10},
            }
            if rng.random() < 0.6:
                record["result"] = "not_home"
            else:
                record["people"] = [{"person_id": person_id,
                                     "answers": {"support": str(rng.randint(1, 5))}}]  # fmt: skip
            records.append(record)
        made.append({"device_id": "bench", "records": records})
    return made


@contextmanager
def serve(url: str, workers: int) -> Iterator[int]:
    """The app under gunicorn on a free port, on the database at ``url``: yields the port."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DOORSTEP_SECRET_KEY": SECRET,
           "DOORSTEP_ACCESS_TOKEN_MINUTES": "240", "DOORSTEP_LOG_LEVEL": "WARNING"}  # fmt: skip
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:create_app()"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class PhoneLoad:
    """Every phone posts a fresh batch of ``knocks`` knocks every ``interval`` seconds (from a
    random start) until stopped: the syncing phones other measurements run beside."""

    def __init__(self, port: int, phones: list[dict], interval: float, knocks: int) -> None:
        self.port, self.phones, self.interval, self.knocks = port, phones, interval, knocks
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.applied = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._phone, args=(p, n), daemon=True)
                         for n, p in enumerate(phones)]  # fmt: skip

    def __enter__(self) -> PhoneLoad:
        for thread in self._threads:
            thread.start()
        return self

    def reset(self) -> None:
        """Forget what was measured so far (the servers' first, cold requests)."""
        with self._lock:
            self.latencies, self.errors, self.applied = [], [], 0

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _phone(self, phone: dict, n: int) -> None:
        rng = random.Random(n)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        if self._stop.wait(rng.random() * self.interval):
            return
        while True:
            due = time.perf_counter() + self.interval
            body = batches_for(phone, 1, rng)[0]
            body["records"] = rng.sample(body["records"], self.knocks)
            started = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/canvass/sync", json.dumps(body), {
                    "Authorization": f"Bearer {phone['token']}",
                    "Content-Type": "application/json"})  # fmt: skip
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                with self._lock:
                    self.errors.append(type(exc).__name__)
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            else:
                with self._lock:
                    self.latencies.append((time.perf_counter() - started) * 1000)
                    if response.status != 200:
                        self.errors.append(f"HTTP {response.status}: {data[:120]!r}")
                    else:
                        self.applied += sum(r["status"] == "applied"
                                            for r in json.loads(data)["results"])  # fmt: skip
            if self._stop.wait(max(0.0, due - time.perf_counter())):
                return

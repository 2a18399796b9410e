"""Sync throughput through the real HTTP stack: gunicorn, the app, PostgreSQL. Many phones
post batches of knocks at once; then the same batches again (all duplicates); then the same
writes from a tight loop straight to the database (the ceiling), and the ratio.

    .venv/bin/python bench/sync_throughput.py [--clients 64] [--batches 8] [--workers 5]

Uses BENCH_DATABASE_URL when set (the bench's rows are added to it), else a throwaway
cluster. Goals (issue 5): at least 0.40 of the ceiling, p99 under 200 ms, no errors or
deadlocks at 64 clients; a replayed batch costs no more than the first sync.

Phones posting back to back measure the most the server takes; their latency is mostly the
queue (64 requests waiting on a few workers). A second run paces the same 64 phones at a
share of that rate (``--paced-share``) and reads the latency a phone sees below saturation.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import threading
import time
import uuid

import flask_migrate
import psycopg
from benchlib import bench_database
from phoneslib import HOMES_PER_LIST, SECRET, batches_for, seed_phones, serve
from sqlalchemy import text

from app import create_app
from app.extensions import db


def run_per_phone(work, phones: list[dict], batches: list[list[dict]]) -> float:
    """``work(phone, its batches)`` for every phone at once; the wall-clock seconds."""
    threads = [threading.Thread(target=work, args=pair) for pair in zip(phones, batches,
                                                                        strict=True)]  # fmt: skip
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def post_all(
    port: int, phones: list[dict], batches: list[list[dict]], interval: float = 0.0
) -> dict:
    """Every phone posts its batches one after another, all phones at once: back to back
    (``interval`` 0, the most the server can take), or one every ``interval`` seconds from a
    random start (an offered load below that, to read latency without the queue)."""
    latencies: list[float] = []
    errors: list[str] = []
    counts = {"applied": 0, "duplicate": 0, "rejected": 0}
    lock = threading.Lock()

    def phone_worker(phone, own):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        due = time.perf_counter() + random.random() * interval
        for body in own:
            payload = json.dumps(body)
            if interval:
                time.sleep(max(0.0, due - time.perf_counter()))
                due += interval
            started = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/canvass/sync", payload, {
                    "Authorization": f"Bearer {phone['token']}",
                    "Content-Type": "application/json"})  # fmt: skip
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(type(exc).__name__)
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors.append(f"HTTP {response.status}: {data[:120]!r}")
                    continue
                for result in json.loads(data)["results"]:
                    counts[result["status"]] += 1

    wall = run_per_phone(phone_worker, phones, batches)
    records = sum(len(b["records"]) for own in batches for b in own)
    return {"wall": wall, "records": records, "latencies": sorted(latencies), "errors": errors,
            **counts}  # fmt: skip


def ceiling(url: str, phones: list[dict], batches: list[list[dict]], user_ids: dict) -> dict:
    """The same writes as a sync, from a tight loop on as many connections: per batch one
    transaction; per record the knock, the people's lock, the interaction, the answer."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    org_id = phones[0]["org"]

    def run(phone, own):
        with psycopg.connect(dsn) as conn:
            for body in own:
                with conn.transaction():
                    for record in body["records"]:
                        uid = uuid.uuid5(uuid.UUID(record["uuid"]), "ceiling")
                        person_id, household_id, address_id = next(
                            h for h in phone["homes"] if h[1] == record["household_id"]
                        )
                        knock = conn.execute(
                            "INSERT INTO door_knocks (organization_id, client_uuid, walk_list_id,"
                            " user_id, address_id, household_id, result, occurred_at, client_at,"
                            " record) VALUES (%s, %s, %s, %s, %s, %s, %s, now(), now(), %s)"
                            " ON CONFLICT (client_uuid) DO NOTHING RETURNING id",
                            (org_id, uid, phone["list_id"], user_ids[phone["list_id"]],
                             address_id, household_id, record.get("result"),
                             json.dumps(record)),
                        ).fetchone()  # fmt: skip
                        conn.execute("SELECT id FROM people WHERE id = %s FOR UPDATE",
                                     (person_id,))  # fmt: skip
                        interaction = conn.execute(
                            "INSERT INTO interactions (organization_id, person_id, kind, user_id,"
                            " result, data, client_uuid) VALUES (%s, %s, 'door_knock', %s, %s,"
                            " %s, %s) RETURNING id",
                            (org_id, person_id, user_ids[phone["list_id"]],
                             record.get("result") or "canvassed",
                             json.dumps({"door_knock_id": knock[0]}), uuid.uuid5(uid, "p")),
                        ).fetchone()  # fmt: skip
                        if "people" in record:
                            conn.execute(
                                "INSERT INTO survey_answers (organization_id, person_id,"
                                " question, answer, answered_on, interaction_id)"
                                " VALUES (%s, %s, 'support', %s, current_date, %s)"
                                " ON CONFLICT (person_id, question, answered_on) DO UPDATE"
                                " SET answer = excluded.answer",
                                (org_id, person_id, record["people"][0]["answers"]["support"],
                                 interaction[0]),
                            )  # fmt: skip

    wall = run_per_phone(run, phones, batches)
    return {"wall": wall, "records": sum(len(b["records"]) for own in batches for b in own)}


def pct(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(share * len(values)))] * 1000 if values else 0.0


def report(name: str, run: dict) -> float:
    rate = run["records"] / run["wall"]
    lat = run.get("latencies") or []
    extra = ""
    if lat:
        extra = (f"  p50 {statistics.median(lat) * 1000:.0f} ms  p99 {pct(lat, 0.99):.0f} ms"
                 f"  applied {run['applied']} duplicate {run['duplicate']}"
                 f" rejected {run['rejected']}  errors {len(run['errors'])}")  # fmt: skip
    print(f"{name:<22} {run['records']:>6} records in {run['wall']:6.2f} s = {rate:7.0f}/s{extra}")
    if run.get("errors"):
        print("   first errors:", run["errors"][:3])
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--batches", type=int, default=8, help="batches of 50 per client")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--paced-share",
        type=float,
        default=0.5,
        help="offered load of the paced run, as a share of the measured rate",
    )
    args = parser.parse_args()
    with bench_database("bench_sync") as url:
        config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET,
                  "DOORSTEP_ACCESS_TOKEN_MINUTES": 240}  # fmt: skip
        app = create_app(config)
        with app.app_context():
            flask_migrate.upgrade()
            phones = seed_phones(args.clients)
            org_id = db.session.scalar(text("SELECT max(id) FROM organizations"))
            user_ids = dict(db.session.execute(text(
                "SELECT walk_list_id, user_id FROM walk_list_assignments")).all())  # fmt: skip
            db.session.commit()
        for phone in phones:
            phone["org"] = org_id
        rng = random.Random(7)
        batches = [batches_for(p, args.batches, rng) for p in phones]
        paced_batches = [batches_for(p, 4, rng) for p in phones]
        with serve(url, args.workers) as port:
            print(f"{args.clients} phones x {args.batches} batches of {HOMES_PER_LIST}, "
                  f"gunicorn {args.workers} workers, {os.cpu_count()} CPUs")  # fmt: skip
            first = post_all(port, phones, batches)
            sync_rate = report("sync (first time)", first)
            again = post_all(port, phones, batches)
            replay_rate = report("sync (replayed)", again)
            # The same phones at a steady pace: each one batch every `interval` seconds.
            interval = args.clients * HOMES_PER_LIST / (sync_rate * args.paced_share)
            paced = post_all(port, phones, paced_batches, interval=interval)
            report(f"sync (paced, {args.paced_share:.0%})", paced)
        top = ceiling(url, phones, batches, user_ids)
        top_rate = report("ceiling (same SQL)", top)
        print(f"sync / ceiling = {sync_rate / top_rate:.2f} (goal >= 0.40); "
              f"p99 {pct(first['latencies'], 0.99):.0f} ms back to back, "
              f"{pct(paced['latencies'], 0.99):.0f} ms at {args.paced_share:.0%} of that rate "
              f"(goal < 200 ms); "
              f"replay cost / first = {first['wall'] and again['wall'] / first['wall']:.2f} "
              f"(goal <= 1.0)")  # fmt: skip
        print(f"replayed batches: {replay_rate:.0f} records/s")


if __name__ == "__main__":
    main()

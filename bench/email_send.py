"""Email campaigns: send throughput against a bare smtplib loop, flat memory, exactly once
through a kill, and the audience count over a million people.

    .venv/bin/python bench/email_send.py [--emails 100000] [--people 1000000]

Goals (issue 17): the campaign's personalised messages reach a local SMTP sink (aiosmtpd, in a
process of its own) at no less than half the rate of a bare ``smtplib`` loop sending the same
rendered messages over one connection to the same sink; the sending worker's memory stays flat
(its RSS a tenth of the way through and at the end); a worker killed (SIGKILL) mid-send and
started again leaves every recipient with exactly one message (by Message-ID; a repeat of one
id, at most one per sending thread per kill, is what receiving servers drop, and is counted);
and the audience count of a campaign over ``--people`` people under 300 ms.

Fills BENCH_DATABASE_URL when set, else a throwaway cluster. People are synthetic (names,
one address each, consent given); the campaign's template uses first name and an unsubscribe
link, with HTML and text parts.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import flask_migrate
from benchlib import bench_database, vacuum_analyze
from sqlalchemy import text

from app import create_app
from app.accounts.operations import create_organization
from app.audit.context import acting_as
from app.core.actor import Actor
from app.core.localdb import free_port
from app.extensions import db

GOAL_RATIO, GOAL_COUNT_MS = 0.5, 300.0
#: Sending threads (DOORSTEP_MAIL_CONCURRENCY; at most one message in doubt per thread).
THREADS = int(os.environ.get("BENCH_MAIL_THREADS", "4"))
HERE = Path(__file__).resolve().parent
TEXT = "Hi {{ first_name }},\n\nThe canvass starts Saturday at 10.\n"
HTML = "<p>Hi {{ first_name }},</p><p>The canvass starts <a href='https://ada.example/sat'>Saturday</a>.</p>"
SETTINGS = {
    "DOORSTEP_MAIL_PER_MINUTE": 0,
    "DOORSTEP_MAIL_PER_HOUR": 0,
    "DOORSTEP_MAIL_POSTAL_ADDRESS": "Friends of Ada, 1 Main St, Philadelphia PA 19104",
    "DOORSTEP_SMTP_STARTTLS": False,
    "SECRET_KEY": "bench-secret-key-that-is-long-enough-for-hs256",
    "DOORSTEP_PUBLIC_URL": "https://doorstep.test",
}


def _sink(port: int, out: str, ready) -> None:
    """An aiosmtpd sink counting each Message-ID; writes the counts on SIGTERM."""
    from aiosmtpd.controller import Controller

    counts: Counter[str] = Counter()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            head = envelope.content[:4000].split(b"\r\n\r\n", 1)[0]
            for line in head.split(b"\r\n"):
                if line[:11].lower() == b"message-id:":
                    counts[line[11:].strip().decode()] += 1
                    break
            else:
                counts["<none>"] += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()

    def stop(*_):
        controller.stop()
        Path(out).write_text(json.dumps(counts))
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    ready.set()
    while True:
        time.sleep(1)


class Sink:
    def __init__(self):
        self.port = free_port()
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
            self.out = out.name
        ready = multiprocessing.Event()
        self.process = multiprocessing.Process(target=_sink, args=(self.port, self.out, ready))
        self.process.start()
        ready.wait(10)

    def counts(self) -> Counter[str]:
        os.kill(self.process.pid, signal.SIGTERM)
        self.process.join(10)
        return Counter(json.loads(Path(self.out).read_text()))


def seed(organization_id: int, people: int, with_email: int) -> None:
    db.session.execute(
        text(
            "INSERT INTO people (organization_id, first_name, last_name, tags, source) "
            "SELECT :org, 'Pat' || g, 'Voter', CASE WHEN g <= :emails THEN '{send}'::text[] "
            "ELSE '{}'::text[] END, 'manual' FROM generate_series(1, :people) g"
        ),
        {"org": organization_id, "people": people, "emails": with_email},
    )
    # Two in three people have an address; the first ``with_email`` are the send's audience.
    db.session.execute(
        text(
            "INSERT INTO person_emails (organization_id, person_id, address, consent, is_primary) "
            "SELECT organization_id, id, 'p' || id || '@example.test', true, true FROM people "
            "WHERE organization_id = :org AND (tags <> '{}' OR id % 3 <> 0)"
        ),
        {"org": organization_id},
    )
    db.session.commit()
    vacuum_analyze("people", "person_emails")


def make_campaign(actor: Actor, name: str, tag: str) -> int:
    from app.mailings.operations import create_campaign
    from app.universes.operations import create_universe

    universe = create_universe(actor, name=name, filter={"tags": {"any": [tag]}})
    campaign = create_campaign(
        actor,
        {
            "name": name,
            "purpose": "updates",
            "audience_kind": "universe",
            "audience_id": universe.id,
            "subject": "Saturday, {{ first_name }}",
            "text_body": TEXT,
            "html_body": HTML,
            "from_name": "Ada for Council",
            "from_address": "news@ada.example",
        },
    )
    db.session.commit()
    return campaign.id


def start(campaign_id: int) -> int:
    from app.mailings.models import EmailCampaign
    from app.mailings.sending import start_campaign

    added = start_campaign(db.session.get(EmailCampaign, campaign_id), datetime.now(UTC))
    db.session.commit()
    return added


def rendered_messages(campaign_id: int, limit: int) -> list[tuple[str, bytes]]:
    """The messages the campaign sends, rendered as the worker renders them (the baseline)."""
    from app.mailings.merge import Target, person_fields, shared_fields
    from app.mailings.messages import as_email, render_message
    from app.mailings.models import EmailCampaign

    campaign = db.session.get(EmailCampaign, campaign_id)
    rows = db.session.execute(
        text(
            "SELECT id, person_id, address FROM email_recipients WHERE campaign_id = :c "
            "ORDER BY id LIMIT :n"
        ),
        {"c": campaign_id, "n": limit},
    ).all()
    targets = [Target(*row) for row in rows]
    shared = shared_fields(
        campaign.organization_id, SETTINGS["DOORSTEP_MAIL_POSTAL_ADDRESS"], datetime.now(UTC)
    )
    messages = []
    for start in range(0, len(targets), 1000):  # the worker reads fields a batch at a time
        chunk = targets[start : start + 1000]
        personal = person_fields(chunk)
        for t in chunk:
            fields = {**shared, **personal[t.person_id]}
            messages.append(
                (t.address, as_email(campaign, t, render_message(campaign, t, fields)).data)
            )
    return messages


def bare_loop(port: int, messages: list[tuple[str, bytes]]) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for address, raw in messages:
            smtp.sendmail("news@ada.example", [address], raw)
    return len(messages) / (time.perf_counter() - started)


def run_worker(
    url: str, port: int, campaign_id: int, lease_zero: bool, report: str = ""
) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__)),
            "--worker",
            str(campaign_id),
            "--url",
            url,
            "--port",
            str(port),
        ]
        + (["--lease-zero"] if lease_zero else [])
        + (["--report", report] if report else []),
        cwd=HERE.parent,
    )


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def sent_count(campaign_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(
        text("SELECT count(*) FROM email_recipients WHERE campaign_id = :c AND status = 'sent'"),
        {"c": campaign_id},
    )


def watch(process: subprocess.Popen, campaign_id: int, total: int, kill_at: float | None = None):
    """Poll until the worker exits (or kill it at ``kill_at`` of the way); RSS samples."""
    samples = []
    while process.poll() is None:
        done = sent_count(campaign_id)
        samples.append((done / total, rss_kb(process.pid)))
        if kill_at is not None and done >= kill_at * total:
            process.send_signal(signal.SIGKILL)
            process.wait()
            break
        time.sleep(0.2)
    return samples


def worker_main(args) -> None:
    from app.mailings.sending import LEASE, send_campaign_for

    app = create_app(
        {
            **SETTINGS,
            "SQLALCHEMY_DATABASE_URI": args.url,
            "DOORSTEP_SMTP_HOST": "127.0.0.1",
            "DOORSTEP_MAIL_CONCURRENCY": THREADS,
            "DOORSTEP_SMTP_PORT": args.port,
        }
    )
    with app.app_context(), acting_as("bench:worker"):
        begun = time.perf_counter()
        sent = send_campaign_for(
            args.worker, 10**9, lease=timedelta(0) if args.lease_zero else LEASE
        )
        if args.report:
            Path(args.report).write_text(json.dumps([sent, time.perf_counter() - begun]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--worker", type=int)
    parser.add_argument("--url")
    parser.add_argument("--port", type=int)
    parser.add_argument("--lease-zero", action="store_true")
    parser.add_argument("--report", help="the worker writes [sent, seconds sending] here")
    parser.add_argument("--count-only", action="store_true", help="only the audience count")
    args = parser.parse_args()
    if args.worker:
        worker_main(args)
        return
    with bench_database("bench_email") as url:
        app = create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context(), acting_as("bench"):
            flask_migrate.upgrade()
            org = create_organization("Bench", f"bench-email-{os.getpid()}")
            db.session.commit()
            actor = Actor.system(org.id, "bench")
            started = time.perf_counter()
            seed(org.id, max(args.people, args.emails * 2), args.emails)
            print(
                f"seeded {max(args.people, args.emails * 2):,} people in "
                f"{time.perf_counter() - started:.0f} s"
            )
            report_count(actor)
            if not args.count_only:
                report_send(url, actor, args.emails)
                report_kill(url, actor, max(args.emails // 5, 1000))


def report_count(actor: Actor) -> None:
    from app.mailings.audiences import count_audience
    from app.mailings.models import EmailCampaign
    from app.mailings.operations import create_campaign

    campaign = create_campaign(
        actor,
        {
            "name": "Everyone",
            "purpose": "updates",
            "audience_kind": "universe",
            "audience_id": _universe(actor, {}),
            "subject": "Hi",
            "text_body": TEXT,
        },
    )
    db.session.commit()
    campaign = db.session.get(EmailCampaign, campaign.id)
    times, result = [], 0
    for _ in range(7):
        begun = time.perf_counter()
        result = count_audience(campaign)
        times.append((time.perf_counter() - begun) * 1000)
        db.session.rollback()
    median = statistics.median(times)
    verdict = "ok" if median < GOAL_COUNT_MS else "SLOWER THAN GOAL"
    print(
        f"audience count: {result:,} addresses of the campaign's people, median {median:.0f} ms "
        f"(goal < {GOAL_COUNT_MS:.0f} ms): {verdict}"
    )


def _universe(actor: Actor, filter: dict) -> int:
    from app.universes.operations import create_universe

    universe = create_universe(actor, name=f"u{time.perf_counter_ns()}", filter=filter)
    db.session.commit()
    return universe.id


def report_send(url: str, actor: Actor, emails: int) -> None:
    campaign_id = make_campaign(actor, "Send", "send")
    total = start(campaign_id)
    baseline_messages = rendered_messages(campaign_id, total)
    sink = Sink()
    bare = bare_loop(sink.port, baseline_messages)
    del baseline_messages
    sink.counts()
    sink = Sink()
    begun = time.perf_counter()
    report = Path(tempfile.gettempdir()) / f"email-send-{os.getpid()}.json"
    samples = watch(run_worker(url, sink.port, campaign_id, False, str(report)), campaign_id, total)
    wall = time.perf_counter() - begun
    _, seconds = json.loads(report.read_text())
    counts = sink.counts()
    rate = total / seconds
    ratio = rate / bare
    early = next((kb for done, kb in samples if done >= 0.1 and kb), 0)
    peak = max((kb for _, kb in samples), default=0)
    print(
        f"send: {total:,} messages in {seconds:.1f} s = {rate:,.0f}/s; bare smtplib loop "
        f"{bare:,.0f}/s; ratio {ratio:.2f} (goal >= {GOAL_RATIO}): "
        f"{'ok' if ratio >= GOAL_RATIO else 'SLOWER THAN GOAL'}"
    )
    print(f"  (worker wall time with its start-up {wall:.1f} s: {total / wall:,.0f}/s)")
    print(f"worker RSS: {early / 1024:.0f} MB at 10% sent, peak {peak / 1024:.0f} MB")
    print(f"sink: {sum(counts.values()):,} messages, {len(counts):,} distinct Message-IDs")


def report_kill(url: str, actor: Actor, emails: int) -> None:
    db.session.execute(
        text(
            "UPDATE people SET tags = '{kill}' WHERE id IN (SELECT id FROM people "
            "WHERE organization_id = :org AND tags = '{send}' ORDER BY id LIMIT :n)"
        ),
        {"org": actor.organization_id, "n": emails},
    )
    db.session.commit()
    campaign_id = make_campaign(actor, "Kill", "kill")
    total = start(campaign_id)
    sink = Sink()
    watch(run_worker(url, sink.port, campaign_id, False), campaign_id, total, kill_at=0.4)
    killed_at = sent_count(campaign_id)
    watch(run_worker(url, sink.port, campaign_id, True), campaign_id, total)
    counts = sink.counts()
    repeats = sum(n - 1 for n in counts.values() if n > 1)
    print(
        f"kill: SIGKILL at {killed_at:,} of {total:,} sent, restarted: {len(counts):,} "
        f"distinct recipients received, {repeats} repeated Message-ID(s); "
        f"{'ok' if len(counts) == total and repeats <= THREADS else 'FAILED'}"
    )


if __name__ == "__main__":
    main()

"""Sending a campaign: a job the worker runs (``@periodic_task("mailings")``), rate-limited,
resumable, and idempotent per recipient.

The recipients table is the send's outbox. Starting a send writes one row per recipient (one
statement: all or none); a run then, batch by batch, claims pending rows (``claimed``:
committed, so two workers never take the same row), re-checks that each may still be sent to
(an opt-out since the start skips it), and sends each over one SMTP connection. A message's
row is marked ``sent`` (and written on the person's history) in a commit before the next
message goes to the server. So after a crash every ``claimed`` row but one per sending thread
was never tried, and that one (the message in flight) may or may not have reached the server:
they all go back to pending and are sent, that one with the same Message-ID as before
(receiving servers drop a repeat of a Message-ID they have; docs/outreach.md). Nobody is
skipped; nobody but that one message per thread and crash can arrive twice, and it carries the
same id.

The rate limit is a sliding window over ``sent_at`` of the campaign's organisation (per minute
and per hour, as listmonk's): a run sends at most what the window has room for, and the
worker's next turn sends the rest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import Connection, Engine, exists, func, literal, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert

from app.core.tasks import periodic_task
from app.core.transactions import commit
from app.extensions import db
from app.mailings.audiences import audience_rows, usable_email
from app.mailings.engagement import record_bounce
from app.mailings.merge import Target, person_fields, shared_fields
from app.mailings.messages import Snapshot, as_email, render_message
from app.mailings.models import CampaignRecipient as Recipient
from app.mailings.models import CampaignStatus, EmailCampaign, RecipientStatus
from app.outreach.senders import Deliver, DeliveryError, RecipientGone, email_sender
from app.outreach.templates import MissingMergeField, TemplateInvalid
from app.people.models import Person, PersonEmail

log = logging.getLogger(__name__)

BATCH = 50
MAX_ATTEMPTS = 5
#: A claimed row older than this belongs to a worker that died.
LEASE = timedelta(minutes=2)


def start_campaign(campaign: EmailCampaign, now: datetime) -> int:
    """Write the campaign's recipients (once: a second start adds nobody); mark it sending.
    Returns how many it has."""
    rows = audience_rows(campaign).subquery()
    columns = ["organization_id", "campaign_id", "person_id", "address"]
    chosen = select(
        literal(campaign.organization_id), literal(campaign.id), rows.c.person_id, rows.c.address
    )
    db.session.execute(insert(Recipient).from_select(columns, chosen).on_conflict_do_nothing())
    added = db.session.scalar(select(func.count()).where(Recipient.campaign_id == campaign.id))
    campaign.status = CampaignStatus.SENDING
    campaign.started_at = campaign.started_at or now
    db.session.flush()
    return added


def recover_stale(campaign_id: int, cutoff: datetime) -> int:
    """Rows a dead worker held (claimed before ``cutoff``) go back to pending."""
    return db.session.execute(
        update(Recipient)
        .where(
            Recipient.campaign_id == campaign_id,
            Recipient.status == RecipientStatus.CLAIMED,
            Recipient.claimed_at < cutoff,
        )
        .values(status=RecipientStatus.PENDING)
    ).rowcount


def room_in_window(organization_id: int, now: datetime) -> int:
    """How many messages the sliding windows (per minute, per hour) allow now."""
    config = current_app.config
    room = 10**9
    for limit, span in (
        (config["DOORSTEP_MAIL_PER_MINUTE"], timedelta(minutes=1)),
        (config["DOORSTEP_MAIL_PER_HOUR"], timedelta(hours=1)),
    ):
        if not limit:
            continue
        sent = db.session.scalar(
            select(func.count()).where(
                Recipient.organization_id == organization_id, Recipient.sent_at > now - span
            )
        )
        room = min(room, limit - (sent or 0))
    return max(room, 0)


def claim(campaign: EmailCampaign, size: int, now: datetime) -> list[Target]:
    """Take up to ``size`` pending rows; those who may no longer get it are skipped."""
    rows = db.session.execute(
        select(Recipient.id, Recipient.person_id, Recipient.address)
        .where(Recipient.campaign_id == campaign.id, Recipient.status == RecipientStatus.PENDING)
        .order_by(Recipient.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    ).all()
    if not rows:
        return []
    keys = [(row.person_id, row.address) for row in rows]
    still = set(
        db.session.execute(
            select(Person.id, PersonEmail.address)
            .join(PersonEmail, PersonEmail.person_id == Person.id)
            .where(tuple_(Person.id, PersonEmail.address).in_(keys), usable_email(campaign))
        ).all()
    )
    skipped = [row.id for row in rows if (row.person_id, row.address) not in still]
    taken = [row for row in rows if (row.person_id, row.address) in still]
    if skipped:
        db.session.execute(
            update(Recipient)
            .where(Recipient.id.in_(skipped))
            .values(status=RecipientStatus.SKIPPED, last_error="May no longer be sent to.")
        )
    if taken:
        db.session.execute(
            update(Recipient)
            .where(Recipient.id.in_([row.id for row in taken]))
            .values(status=RecipientStatus.CLAIMED, claimed_at=now, attempts=Recipient.attempts + 1)
        )
    return [Target(row.id, row.person_id, row.address) for row in taken]


def _mark(recipient_id: int, status: RecipientStatus, **values) -> None:
    db.session.execute(
        update(Recipient).where(Recipient.id == recipient_id).values(status=status, **values)
    )


#: One statement per message: the one before it sent, and written on its person's history.
_SENT = """
WITH sent AS (
    UPDATE email_recipients SET status = 'sent', sent_at = %(now)s, last_error = NULL
    WHERE id = %(sent_id)s
    RETURNING organization_id, person_id, id, address
)
INSERT INTO interactions (organization_id, person_id, kind, result, occurred_at, recorded_at,
                          summary, data)
SELECT organization_id, person_id, 'email', 'sent', %(now)s, %(now)s, %(summary)s,
       jsonb_build_object('campaign_id', %(campaign_id)s, 'recipient_id', id, 'address', address)
FROM sent
"""


class Bookkeeping:
    """The per-message marks of a batch, each committed on its own, on one connection held for
    the batch (a commit through the session would hand its connection back to the pool, and
    the next statement would take one again: three round trips a message instead of one). A
    session bound to one connection (a test's) writes on it and commits through the session."""

    def __init__(self, connection: Connection, owned: bool):
        self.owned = owned
        # The driver's own cursor: one prepared statement, none of the SQL layer's work.
        self.cursor = connection.connection.driver_connection.cursor()

    @classmethod
    @contextmanager
    def open(cls) -> Iterator[Bookkeeping]:
        bind = db.session.get_bind()
        if not isinstance(bind, Engine):
            yield cls(bind, owned=False)
            return
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # Bookkeeping only: a database crash that lost the last marks would resend those
            # few messages (same Message-IDs); a worker crash loses none.
            connection.execute(text("SET synchronous_commit TO OFF"))
            try:
                yield cls(connection, owned=True)
            finally:  # the connection goes back to the pool: as it came
                connection.execute(text("RESET synchronous_commit"))

    def run(self, statement: str, params: dict) -> None:
        self.cursor.execute(statement, params, prepare=True)
        if not self.owned:
            commit()


def _sent(book: Bookkeeping, campaign: Snapshot, target: Target) -> None:
    book.run(
        _SENT,
        {
            "now": datetime.now(UTC),
            "sent_id": target.recipient_id,
            "summary": campaign.subject[:300],
            "campaign_id": campaign.id,
        },
    )


def send_batch(campaign: EmailCampaign, targets: list[Target], deliver: Deliver) -> int:
    """Send claimed ``targets``, each marked sent before the next goes out. Returns how many
    went out."""
    now = datetime.now(UTC)
    shared = shared_fields(campaign.organization_id, _postal_address(), now)
    personal = person_fields(targets)
    snapshot, organization_id = Snapshot.of(campaign), campaign.organization_id
    commit()  # the reads are done: no transaction stays open while the batch sends
    sent = 0
    previous: Target | None = None
    with Bookkeeping.open() as book:
        for target in targets:
            try:
                fields = {**shared, **personal.get(target.person_id, {})}
                email = as_email(snapshot, target, render_message(snapshot, target, fields))
            except (MissingMergeField, TemplateInvalid) as exc:
                book.run(_FAILED, {"id": target.recipient_id, "error": exc.message[:2000]})
                continue
            if previous is not None:
                _sent(book, snapshot, previous)
                previous = None
            try:
                deliver(email)
            except RecipientGone as exc:
                book.run(_FAILED, {"id": target.recipient_id, "error": str(exc)[:2000]})
                record_bounce(
                    organization_id,
                    target.address,
                    hard=True,
                    recipient_id=target.recipient_id,
                    detail={"smtp": str(exc)[:500]},
                )
                commit()
                continue
            except DeliveryError as exc:
                _give_back(target, exc)
                _give_back_rest(targets, target)
                commit()
                raise
            previous = target
            sent += 1
        if previous is not None:
            _sent(book, snapshot, previous)
    return sent


_FAILED = "UPDATE email_recipients SET status = 'failed', last_error = %(error)s WHERE id = %(id)s"


def _give_back(target: Target, exc: Exception) -> None:
    attempts = db.session.scalar(
        select(Recipient.attempts).where(Recipient.id == target.recipient_id)
    )
    status = RecipientStatus.FAILED if (attempts or 0) >= MAX_ATTEMPTS else RecipientStatus.PENDING
    _mark(target.recipient_id, status, last_error=str(exc)[:2000])


def _give_back_rest(targets: list[Target], failed: Target) -> None:
    rest = [t.recipient_id for t in targets[targets.index(failed) + 1 :]]
    if rest:
        db.session.execute(
            update(Recipient)
            .where(Recipient.id.in_(rest), Recipient.status == RecipientStatus.CLAIMED)
            .values(status=RecipientStatus.PENDING, attempts=Recipient.attempts - 1)
        )


def _postal_address() -> str:
    return current_app.config["DOORSTEP_MAIL_POSTAL_ADDRESS"]


def finish_if_done(campaign: EmailCampaign, now: datetime) -> bool:
    left = db.session.scalar(
        select(
            exists().where(
                Recipient.campaign_id == campaign.id,
                Recipient.status.in_((RecipientStatus.PENDING, RecipientStatus.CLAIMED)),
            )
        )
    )
    if left:
        return False
    campaign.status = CampaignStatus.SENT
    campaign.finished_at = now
    return True


def send_campaign_for(
    campaign_id: int,
    budget_seconds: float,
    deliver: Deliver | None = None,
    lease: timedelta = LEASE,
) -> int:
    """Send one campaign for up to ``budget_seconds`` (within the rate limit); commits as it
    goes. Returns how many messages went out. With the configured sender, in
    ``DOORSTEP_MAIL_CONCURRENCY`` threads, each with its own SMTP connection and batches (a
    crash may then leave one message in doubt per thread); with ``deliver`` given, in one."""
    started = time.monotonic()
    recover_stale(campaign_id, datetime.now(UTC) - lease)
    commit()
    if deliver is not None:
        return _send_loop(campaign_id, started, budget_seconds, deliver)
    threads = current_app.config["DOORSTEP_MAIL_CONCURRENCY"]
    if threads == 1 or not isinstance(db.session.get_bind(), Engine):
        with email_sender().session() as deliver_now:
            return _send_loop(campaign_id, started, budget_seconds, deliver_now)
    app = current_app._get_current_object()
    with ThreadPoolExecutor(threads, thread_name_prefix="mailings") as pool:
        runs = [
            pool.submit(_send_in_thread, app, campaign_id, started, budget_seconds)
            for _ in range(threads)
        ]
        results = [run.result() for run in runs]  # the first failure is raised here
    db.session.expire_all()  # the threads changed the campaign
    return sum(results)


def _send_in_thread(app: Flask, campaign_id: int, started: float, budget: float) -> int:
    with app.app_context():
        try:
            with email_sender().session() as deliver:
                return _send_loop(campaign_id, started, budget, deliver)
        finally:
            db.session.remove()


def _send_loop(campaign_id: int, started: float, budget: float, deliver: Deliver) -> int:
    total = 0
    while time.monotonic() - started < budget:
        campaign = db.session.get(EmailCampaign, campaign_id, populate_existing=True)
        now = datetime.now(UTC)
        if campaign.status is not CampaignStatus.SENDING:
            break  # paused or cancelled between batches
        room = min(BATCH, room_in_window(campaign.organization_id, now))
        if room <= 0:
            break
        targets = claim(campaign, room, now)
        commit()
        if not targets:
            if finish_if_done(campaign, now):
                commit()
            break
        total += send_batch(campaign, targets, deliver)
    return total


@periodic_task("mailings", every=timedelta(seconds=5))
def run_sending(now: datetime, budget_seconds: float = 20.0) -> dict[str, int]:
    """Start the campaigns due, then send each sending one for a share of the budget."""
    due = db.session.scalars(
        select(EmailCampaign).where(
            EmailCampaign.status == CampaignStatus.SCHEDULED, EmailCampaign.scheduled_at <= now
        )
    ).all()
    for campaign in due:
        start_campaign(campaign, now)
    commit()
    sending = db.session.scalars(
        select(EmailCampaign.id)
        .where(EmailCampaign.status == CampaignStatus.SENDING)
        .order_by(EmailCampaign.started_at, EmailCampaign.id)
    ).all()
    sent = 0
    for campaign_id in sending:
        try:
            sent += send_campaign_for(campaign_id, budget_seconds / len(sending))
        except DeliveryError:
            log.warning(
                "mail server unavailable; campaign %s resumes on the next turn", campaign_id
            )
    return {"started": len(due), "sent": sent}

"""The weekly summary by email: who gets it and when (admins and directors set it), and the
worker's task that sends it.

Each recipient gets the last full week's summary (Monday to Sunday) built for their own role,
as a PDF attached to an email of the outbox, once the campaign's weekday and hour have come
(in its time zone); a worker that was down sends it when it is back, within the week. The
claim is a row per campaign, week and recipient (unique): written in the same transaction
as the outbox row, so a restarted or doubled worker never sends one twice."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from app.accounts.models import Organization, User
from app.audit.operations import describe_changes, record_audit
from app.auth.permissions import Role
from app.core.actor import Actor
from app.core.errors import ValidationError
from app.core.links import public_url
from app.core.tasks import periodic_task
from app.dashboards.models import WeeklySummary, WeeklySummarySend
from app.dashboards.scope import week_of
from app.dashboards.summary import build_summary
from app.dashboards.summary_pdf import render_summary
from app.extensions import db
from app.outreach.models import Channel
from app.outreach.operations import queue_message
from app.outreach.senders import Attachment

log = logging.getLogger(__name__)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: The roles a summary may go to (a canvasser sees no panel).
STAFF = (Role.ADMIN, Role.DIRECTOR, Role.ORGANIZER, Role.FINANCE)
MAX_RECIPIENTS = 50


def weekly_summary(organization_id: int) -> WeeklySummary:
    """The campaign's schedule (off, nobody, Monday 08:00 until someone sets it)."""
    settings = db.session.get(WeeklySummary, organization_id)
    if settings is None:
        settings = WeeklySummary(organization_id=organization_id, recipient_ids=[], weekday=0,
                                 hour=8, enabled=False)  # fmt: skip
    return settings


def staff(organization_id: int) -> list[User]:
    """The campaign's active users a summary may go to."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.organization_id == organization_id, User.is_active, User.role.in_(STAFF))
            .order_by(User.name, User.id)
        )
    )


def set_weekly_summary(
    actor: Actor, *, recipient_ids: list[int], weekday: int, hour: int, enabled: bool
) -> WeeklySummary:
    """Replace the schedule. Every recipient is an active staff member of the campaign (a
    canvasser, another campaign's user or an unknown id: 422 naming ``recipients``)."""
    allowed = {user.id for user in staff(actor.organization_id)}
    refused = [user_id for user_id in recipient_ids if user_id not in allowed]
    if refused:
        raise ValidationError(
            "A summary goes only to the campaign's active admins, directors, organizers and "
            f"finance staff: not to user {refused[0]}.",
            fields={"recipients": [f"Not a member of the campaign's staff: {refused}."]},
        )
    settings = weekly_summary(actor.organization_id)
    if settings not in db.session:
        db.session.add(settings)
    settings.recipient_ids = sorted(set(recipient_ids))
    settings.weekday, settings.hour, settings.enabled = weekday, hour, enabled
    settings.updated_by_id = actor.user_id
    settings.updated_at = datetime.now(UTC)
    changes = describe_changes(settings)
    db.session.flush()
    record_audit("dashboard.weekly_summary", entity=settings, changes=changes)
    return settings


def is_due(settings: WeeklySummary, local: datetime) -> bool:
    """This week's send time (the weekday and hour, local) has come."""
    return (local.weekday(), local.hour) >= (settings.weekday, settings.hour)


@periodic_task("weekly-summary", every=timedelta(minutes=5))
def send_weekly_summaries(now: datetime | None = None) -> dict[str, int]:
    """Send each due campaign's summary of last week to each recipient not yet sent it."""
    now = now or datetime.now(UTC)
    counts = {"sent": 0}
    due = db.session.execute(
        select(WeeklySummary, Organization.time_zone)
        .join(Organization, Organization.id == WeeklySummary.organization_id)
        .where(WeeklySummary.enabled, func.cardinality(WeeklySummary.recipient_ids) > 0)
        .order_by(WeeklySummary.organization_id)
    ).all()
    for settings, zone in due:
        local = now.astimezone(ZoneInfo(zone))
        if not is_due(settings, local):
            continue
        monday = week_of(local.date()) - timedelta(days=7)
        for user in staff(settings.organization_id):
            if user.id not in settings.recipient_ids:
                continue
            # One summary that fails to build is logged and tried again on the next turn
            # (its claim goes with its savepoint); the other recipients still get theirs.
            try:
                with db.session.begin_nested():
                    sent = _send(user, monday, local)
            except Exception:
                log.exception("weekly summary of %s for user %s failed; next turn tries again",
                              monday, user.id)  # fmt: skip
                counts["failed"] = counts.get("failed", 0) + 1
                continue
            counts["sent"] += int(sent)
    return counts


def _send(user: User, monday, local: datetime) -> bool:
    """Claim (the unique row), then queue the email with its PDF in the same transaction."""
    send_id = db.session.scalar(
        insert(WeeklySummarySend)
        .values(organization_id=user.organization_id, week_of=monday, user_id=user.id)
        .on_conflict_do_nothing(index_elements=["organization_id", "week_of", "user_id"])
        .returning(WeeklySummarySend.id)
    )
    if send_id is None:  # sent before, or another worker is sending it now
        return False
    sunday = monday + timedelta(days=6)
    summary = build_summary(user, {"from_": monday, "to": sunday}, local.date())
    pdf = render_summary(summary)
    message = queue_message(
        organization_id=user.organization_id,
        channel=Channel.EMAIL,
        recipient=user.email,
        subject=f"{summary.organization}: weekly summary, {monday:%d %b} to {sunday:%d %b %Y}",
        body=(
            f"Hello {user.name},\n\nThe summary of {monday:%A %d %B} to {sunday:%A %d %B %Y} "
            f"for {summary.organization} is attached (the panels your role sees, each against "
            f"the week before).\n\nThe dashboard: {public_url('/console#/dashboard')}\n\n"
            "You get it because an admin or director of the campaign chose you; they can "
            "take you off the list on the console's Dashboard tab.\n"
        ),
        kind="weekly_summary",
        attachments=[Attachment(f"summary-{monday}.pdf", "application/pdf", pdf)],
    )
    db.session.flush()
    db.session.get(WeeklySummarySend, send_id).message_id = message.id
    changes = {"week_of": monday.isoformat(), "user_id": user.id, "message_id": message.id,
               "role": user.role.value}  # fmt: skip
    record_audit("dashboard.weekly_summary_sent", entity_type="dash_weekly_summary_sends",
                 entity_id=send_id, organization_id=user.organization_id,
                 changes=changes)  # fmt: skip
    log.info("weekly summary of %s sent to user %s (message %s)", monday, user.id, message.id)
    return True

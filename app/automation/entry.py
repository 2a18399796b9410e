"""People entering rules: each event a trigger tells of is matched against the campaign's
active rules of that trigger, and each match is one ``FollowUp`` row, due the rule's delay
after the event (an event told late, as a knock synced the next day, is due at once). The
unique key (rule, person, event) makes a told-twice event (a retried sync, a second signal)
enter once. It runs in the transaction of what happened (flush, no commit): a knock rolled
back leaves no follow-up behind."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from app.automation.models import FollowUp, FollowUpRule, FollowUpStatus
from app.automation.registry import TriggerEvent, TriggerKind
from app.extensions import db


def enter(kind: TriggerKind, events: list[TriggerEvent]) -> int:
    """Enter the matching people into the rules; returns how many entries are new."""
    if not events:
        return 0
    by_campaign: dict[int, list[TriggerEvent]] = defaultdict(list)
    for event in events:
        by_campaign[event.organization_id].append(event)
    now = datetime.now(UTC)
    rows = []
    for organization_id, told in by_campaign.items():
        rules = db.session.scalars(
            select(FollowUpRule).where(
                FollowUpRule.organization_id == organization_id,
                FollowUpRule.trigger == kind.name,
                FollowUpRule.is_active,
            )
        ).all()
        for rule in rules:
            delay = timedelta(minutes=rule.delay_minutes)
            rows.extend(
                {"organization_id": organization_id, "rule_id": rule.id,
                 "person_id": event.person_id, "event_key": event.key[:80], "facts": event.facts,
                 "entered_at": now, "due_at": event.occurred_at + delay,
                 "status": FollowUpStatus.WAITING.value}
                for event in told if kind.matches(rule.trigger_params, event.facts)
            )  # fmt: skip
    if not rows:
        return 0
    made = db.session.execute(
        insert(FollowUp)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["rule_id", "person_id", "event_key"])
        .returning(FollowUp.id)
    ).all()
    return len(made)

"""The follow-ups whose time has come, taken by the worker (``follow-ups``, on every turn):
for each, the rule must still be on, what started it must still stand (a knock a director
rolled back starts nothing), the person must still fit the rule's conditions (a universe
filter, suppressions and all, read now), and then its action runs: done, skipped with the
reason, or later (the recipient's quiet hours). Each action taken is in the person's history.

Two workers never take the same follow-up (rows locked, skipped by the other); one that
fails is marked skipped ("error") on its own, and the rest of the turn goes on.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.automation import actions  # noqa: F401 - registers the action kinds
from app.automation.models import FollowUp, FollowUpRule, FollowUpStatus
from app.automation.registry import ACTIONS, Outcome, Step, skipped
from app.core.tasks import periodic_task
from app.extensions import db
from app.people.models import Interaction, InteractionKind, Person
from app.people.operations import record_interaction
from app.people.queries import follow_merges
from app.universes.queries import Search

log = logging.getLogger(__name__)

#: Follow-ups one turn takes at most.
BATCH = 500


@periodic_task("follow-ups", every=timedelta(0))
def run_follow_ups(now: datetime | None = None) -> dict[str, int]:
    """Take every follow-up due at ``now``; returns the counts (done, skipped, waiting)."""
    now = now or datetime.now(UTC)
    due = db.session.scalars(
        select(FollowUp)
        .where(FollowUp.status == FollowUpStatus.WAITING, FollowUp.due_at <= now)
        .order_by(FollowUp.due_at, FollowUp.id)
        .limit(BATCH)
        .with_for_update(of=FollowUp, skip_locked=True)
    ).all()
    counts = {"done": 0, "skipped": 0, "waiting": 0}
    for follow_up in due:
        savepoint = db.session.begin_nested()
        try:
            outcome = _take(follow_up, now)
            savepoint.commit()
        except Exception:
            savepoint.rollback()
            log.exception("follow-up %s failed; marked skipped", follow_up.id)
            outcome = skipped("error")
        counts[_settle(follow_up, outcome, now)] += 1
    db.session.flush()
    return counts


def _take(follow_up: FollowUp, now: datetime) -> Outcome:
    rule = db.session.get(FollowUpRule, follow_up.rule_id)
    if not rule.is_active:
        return skipped("rule_off")
    person = follow_merges(db.session.get(Person, follow_up.person_id))
    source = follow_up.facts.get("interaction_id")
    if source is not None and db.session.scalar(
        select(Interaction.voided_at).where(Interaction.id == source)
    ):
        return skipped("source_voided")
    fits = Search(person.organization_id, rule.conditions, now=now).people()
    if db.session.scalar(fits.where(Person.id == person.id).with_only_columns(Person.id)) is None:
        return skipped("conditions_not_met")
    outcome = ACTIONS[rule.action].run(Step(rule, follow_up, person, now))
    if outcome.status == "done" and outcome.summary:
        record_interaction(person, InteractionKind.NOTE, occurred_at=now,
                           summary=f"{rule.name}: {outcome.summary}"[:300],
                           data={"rule_id": rule.id, "follow_up_id": follow_up.id,
                                 "action": rule.action, **outcome.result})  # fmt: skip
    return outcome


def _settle(follow_up: FollowUp, outcome: Outcome, now: datetime) -> str:
    if outcome.status == "later":
        follow_up.due_at = outcome.until
        return "waiting"
    follow_up.status = FollowUpStatus(outcome.status)
    follow_up.reason, follow_up.done_at, follow_up.result = outcome.reason, now, outcome.result
    return outcome.status

"""Fundraising goals (money to raise in a period, from every source or one) and how the money
stands against them today: raised, left, the pace needed, and day by day against a straight
line to the goal."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from app.audit.operations import describe_changes, record_audit
from app.core.actor import Actor
from app.core.errors import NotFound, ValidationError
from app.extensions import db
from app.fundraising.models import FundraisingGoal, SourceKind
from app.fundraising.totals import (
    MAX_DAYS,
    Period,
    by_day,
    by_election,
    by_region,
    by_source,
    raised,
)


def _check(goal: FundraisingGoal) -> None:
    if goal.ends_on < goal.starts_on:
        raise ValidationError(
            "The goal ends before it starts.",
            fields={"ends_on": ["Must be on or after starts_on."]},
        )
    if (goal.ends_on - goal.starts_on).days >= MAX_DAYS:
        raise ValidationError(
            "A goal's period is at most 1,000 days.",
            fields={"ends_on": ["Too far from starts_on."]},
        )
    if (goal.source_kind is None) != (goal.source_value is None):
        raise ValidationError(
            "A source is a kind and a value, together.",
            fields={"source_value": ["Give source_kind and source_value together."]},
        )


def create_goal(actor: Actor, fields: Mapping[str, Any]) -> FundraisingGoal:
    goal = FundraisingGoal(
        organization_id=actor.organization_id, created_by_id=actor.user_id, **fields
    )
    _check(goal)
    db.session.add(goal)
    changes = describe_changes(goal)
    db.session.flush()
    record_audit("fundraising_goal.create", entity=goal, changes=changes)
    return goal


def update_goal(goal: FundraisingGoal, changes: Mapping[str, Any]) -> FundraisingGoal:
    for name, value in changes.items():
        setattr(goal, name, value)
    _check(goal)
    audit = describe_changes(goal)
    db.session.flush()
    record_audit("fundraising_goal.update", entity=goal, changes=audit)
    return goal


def delete_goal(goal: FundraisingGoal) -> None:
    record_audit("fundraising_goal.delete", entity=goal, changes={"name": goal.name})
    db.session.delete(goal)
    db.session.flush()


def get_goal(organization_id: int, goal_id: int) -> FundraisingGoal:
    goal = db.session.get(FundraisingGoal, goal_id) if goal_id < 2**63 else None
    if goal is None or goal.organization_id != organization_id:
        raise NotFound("No such goal.", code="goal_not_found")
    return goal


def list_goals(organization_id: int) -> list[FundraisingGoal]:
    return list(
        db.session.scalars(
            select(FundraisingGoal)
            .where(FundraisingGoal.organization_id == organization_id)
            .order_by(FundraisingGoal.ends_on.desc(), FundraisingGoal.id)
            .limit(500)
        )
    )


def _source(goal: FundraisingGoal) -> tuple[SourceKind, str] | None:
    return (goal.source_kind, goal.source_value) if goal.source_kind else None


def progress(goal: FundraisingGoal, today: date) -> dict[str, Any]:
    """Where the goal stands on ``today``: raised so far, what is left, the days left and the
    money a day it takes to get there, and whether it is on pace (a straight line)."""
    period = Period(goal.starts_on, goal.ends_on)
    got = raised(goal.organization_id, period, _source(goal))
    elapsed = min(max((today - goal.starts_on).days + 1, 0), period.days)
    days_left = period.days - elapsed
    left = max(goal.amount_cents - got["amount_cents"], 0)
    pace = goal.amount_cents * elapsed // period.days
    return {
        "goal": goal,
        "raised_cents": got["amount_cents"],
        "gifts": got["gifts"],
        "donors": got["donors"],
        "left_cents": left,
        "percent": round(100 * got["amount_cents"] / goal.amount_cents, 1),
        "days_left": days_left,
        "needed_per_day_cents": -(-left // days_left) if days_left else left,
        "pace_cents": pace,
        "is_on_pace": got["amount_cents"] >= pace,
    }


def progress_by_day(goal: FundraisingGoal, today: date) -> list[dict[str, Any]]:
    """Each day of the goal up to today: raised that day, to date, and the straight line."""
    last = min(goal.ends_on, today)
    if last < goal.starts_on:
        return []
    days = by_day(goal.organization_id, Period(goal.starts_on, last), _source(goal))
    total_days = (goal.ends_on - goal.starts_on).days + 1
    running = 0
    for index, day in enumerate(days, start=1):
        running += day["amount_cents"]
        day["cumulative_cents"] = running
        day["pace_cents"] = goal.amount_cents * index // total_days
    return days


def money_report(
    organization_id: int, args: Mapping[str, Any], today: date, *, min_donors: int
) -> dict[str, Any]:
    """Totals ``by`` day, source, election or region, in a period (default: the last 30 days) or a
    goal's (with its source and its progress)."""
    goal, source = None, None
    if "goal_id" in args:
        goal = get_goal(organization_id, args["goal_id"])
        period = Period(goal.starts_on, goal.ends_on)
        source = _source(goal)
    else:
        period = Period(args.get("from_", today - timedelta(days=29)), args.get("to", today))
    if not 1 <= period.days <= MAX_DAYS:
        raise ValidationError(
            "A period is 1 to 1,000 days.", fields={"from": [f"{period.days} days to 'to'."]}
        )
    if args["by"] == "day":
        rows = by_day(organization_id, period, source)
    elif args["by"] == "source":
        rows = by_source(organization_id, period, SourceKind(args["source_kind"]), source)
    elif args["by"] == "election":
        rows = by_election(organization_id, period, source)
    else:
        rows = by_region(organization_id, period, args["region"], source, min_donors=min_donors)
    return {
        "by": args["by"],
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "total": {"key": None, "label": "Total", **raised(organization_id, period, source)},
        "rows": rows,
        "goal": progress(goal, today) if goal else None,
    }

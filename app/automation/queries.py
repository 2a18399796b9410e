"""Reads: rules with what they did (counted from their follow-ups, never kept as counters),
and the follow-ups of one rule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from app.automation.models import FollowUp, FollowUpRule, FollowUpStatus
from app.core.pagination import Page, paginate
from app.extensions import db
from app.people.models import Person
from app.people.visibility import is_listable

RULE_SORTS = {"name": FollowUpRule.name, "created_at": FollowUpRule.created_at}


def rule_counts(rule_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per rule: people entered, waiting, actions done, skipped (and why)."""
    counts: dict[int, dict[str, Any]] = {
        i: {"entered": 0, "waiting": 0, "done": 0, "skipped": 0, "skipped_by_reason": {}}
        for i in rule_ids
    }
    rows = db.session.execute(
        select(FollowUp.rule_id, FollowUp.status, FollowUp.reason, func.count())
        .where(FollowUp.rule_id.in_(rule_ids))
        .group_by(FollowUp.rule_id, FollowUp.status, FollowUp.reason)
    )
    for rule_id, status, reason, n in rows:
        entry = counts[rule_id]
        entry["entered"] += n
        entry[str(status)] += n
        if status == FollowUpStatus.SKIPPED:
            entry["skipped_by_reason"][reason or "unknown"] = n
    return counts


def with_counts(rules: list[FollowUpRule]) -> list[FollowUpRule]:
    counts = rule_counts([rule.id for rule in rules])
    for rule in rules:
        rule.counts = counts[rule.id]  # for the schema
    return rules


def list_rules(organization_id: int, args: Mapping[str, Any]) -> Page:
    query = select(FollowUpRule).where(FollowUpRule.organization_id == organization_id)
    if args.get("trigger"):
        query = query.where(FollowUpRule.trigger == args["trigger"])
    page = paginate(query, args, sortable=RULE_SORTS,
                    default_order=[FollowUpRule.name.asc(), FollowUpRule.id.asc()])  # fmt: skip
    with_counts(page.items)
    return page


def follow_ups(rule: FollowUpRule, args: Mapping[str, Any]) -> Page:
    """The people a rule took (or will take), newest first; not confidential ones."""
    query = (
        select(FollowUp)
        .join(Person, Person.id == FollowUp.person_id)
        .where(FollowUp.rule_id == rule.id, is_listable())
    )
    if args.get("status"):
        query = query.where(FollowUp.status == args["status"])
    return paginate(query, args, sortable={"due_at": FollowUp.due_at},
                    default_order=[FollowUp.entered_at.desc(), FollowUp.id.desc()])  # fmt: skip

"""Verbs on follow-up rules: a director writes one (its trigger and action are kinds of the
registry, their params checked by each kind's schema), turns it off and on, changes it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma

from app.audit.operations import describe_changes, record_audit
from app.automation.models import FollowUpRule
from app.automation.registry import ACTIONS, TRIGGERS
from app.core.actor import Actor
from app.core.errors import Conflict, NotFound, ValidationError
from app.extensions import db


def get_rule(organization_id: int, rule_id: int) -> FollowUpRule:
    rule = db.session.get(FollowUpRule, rule_id) if rule_id < 2**63 else None
    if rule is None or rule.organization_id != organization_id:
        raise NotFound("No such follow-up rule.", code="rule_not_found")
    return rule


def _params(schema: type[ma.Schema], raw: Mapping[str, Any], field: str) -> dict[str, Any]:
    try:
        return schema().load(dict(raw))
    except ma.ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"": exc.messages}
        named = {f"{field}.{key}".rstrip("."): value for key, value in messages.items()}
        raise ValidationError(f"The {field} do not fit the kind.", fields=named) from None


def _checked(organization_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """The rule's fields with its trigger's and action's params checked by their kinds."""
    trigger = TRIGGERS.get(fields["trigger"])
    if trigger is None or not trigger.is_available:
        raise ValidationError(
            "No such trigger on this server.",
            code="unknown_trigger",
            fields={"trigger": [f"One of: {', '.join(available())}."]},
        )
    action = ACTIONS.get(fields["action"])
    if action is None:
        raise ValidationError(
            "No such action.",
            code="unknown_action",
            fields={"action": [f"One of: {', '.join(sorted(ACTIONS))}."]},
        )
    fields["trigger_params"] = _params(trigger.params, fields["trigger_params"], "trigger_params")
    fields["action_params"] = _params(action.params, fields["action_params"], "action_params")
    action.check(organization_id, fields["action_params"], trigger.fields)
    return fields


def available() -> list[str]:
    return sorted(name for name, kind in TRIGGERS.items() if kind.is_available)


def _check_name_free(organization_id: int, name: str, rule_id: int | None = None) -> None:
    taken = db.session.scalar(
        db.select(FollowUpRule.id).where(
            FollowUpRule.organization_id == organization_id,
            FollowUpRule.name == name,
            FollowUpRule.id != (rule_id or 0),
        )
    )
    if taken is not None:
        raise Conflict("The campaign has a rule with this name.", code="rule_name_taken",
                       fields={"name": ["Already used."]})  # fmt: skip


def create_rule(actor: Actor, fields: dict[str, Any]) -> FollowUpRule:
    _check_name_free(actor.organization_id, fields["name"])
    rule = FollowUpRule(organization_id=actor.organization_id, created_by_id=actor.user_id,
                        **_checked(actor.organization_id, dict(fields)))  # fmt: skip
    db.session.add(rule)
    changes = describe_changes(rule)
    db.session.flush()
    record_audit("automation.rule.create", entity=rule, changes=changes)
    return rule


def update_rule(rule: FollowUpRule, changes: dict[str, Any]) -> FollowUpRule:
    """Change a rule; the follow-ups still waiting act as the rule says when they are due."""
    if "name" in changes:
        _check_name_free(rule.organization_id, changes["name"], rule.id)
    merged = {key: getattr(rule, key) for key in ("trigger", "trigger_params", "action",
                                                  "action_params")}  # fmt: skip
    if changes.get("trigger", rule.trigger) != rule.trigger and "trigger_params" not in changes:
        merged["trigger_params"] = {}  # another trigger's params mean nothing to this one
    merged.update({k: v for k, v in changes.items() if k in merged})
    changes = {**changes, **_checked(rule.organization_id, merged)}
    for key, value in changes.items():
        setattr(rule, key, value)
    summary = describe_changes(rule)
    db.session.flush()
    if summary:
        record_audit("automation.rule.update", entity=rule, changes=summary)
    return rule

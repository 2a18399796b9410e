"""The kinds of triggers and actions rules are made of: each registered where it is defined
(``app.automation.triggers``, ``app.automation.actions``), so that a new kind (a donation, an
email click, a new action) is one more registered function and the engine does not change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import marshmallow as ma

from app.core import signals


@dataclass(frozen=True)
class TriggerEvent:
    """Something that happened to a person, as a rule sees it."""

    organization_id: int
    person_id: int
    #: Names the event: a person enters a rule once per key ("interaction:12", "signup:3").
    key: str
    occurred_at: datetime
    #: What happened (JSON): what ``trigger_params`` match and the templates print.
    facts: dict[str, Any]


@dataclass(frozen=True)
class TriggerKind:
    name: str
    description: str
    #: The signal of ``app.core.signals`` it listens to (absent there: not available yet).
    signal_name: str
    #: Validates a rule's ``trigger_params``.
    params: type[ma.Schema]
    #: (trigger_params, facts) -> whether the event is one the rule wants.
    matches: Callable[[Mapping[str, Any], Mapping[str, Any]], bool]
    #: (sender, **signal keyword arguments) -> the events it tells of.
    events_of: Callable[..., list[TriggerEvent]]
    #: Merge fields its facts give a message template (beyond the person's own).
    fields: frozenset[str] = frozenset()

    @property
    def is_available(self) -> bool:
        return hasattr(signals, self.signal_name)


@dataclass(frozen=True)
class Step:
    """One follow-up whose time has come, for an action to take."""

    rule: Any  # FollowUpRule
    follow_up: Any  # FollowUp
    person: Any  # Person
    now: datetime


@dataclass(frozen=True)
class Outcome:
    status: str  # done, skipped, later
    reason: str | None = None
    until: datetime | None = None  # later: when to try again (the end of quiet hours)
    result: dict[str, Any] = field(default_factory=dict)
    #: For the person's history, when the action did not write its own entry (a message
    #: writes its own).
    summary: str | None = None


def done(result: dict[str, Any], summary: str | None = None) -> Outcome:
    return Outcome("done", result=result, summary=summary)


def skipped(reason: str) -> Outcome:
    return Outcome("skipped", reason=reason)


def later(until: datetime) -> Outcome:
    return Outcome("later", until=until)


@dataclass(frozen=True)
class ActionKind:
    name: str
    description: str
    #: Validates a rule's ``action_params``.
    params: type[ma.Schema]
    run: Callable[[Step], Outcome]
    #: (organization_id, params, merge fields the trigger gives) -> raises on a bad rule.
    check: Callable[[int, Mapping[str, Any], frozenset[str]], None] = lambda *_: None


TRIGGERS: dict[str, TriggerKind] = {}
ACTIONS: dict[str, ActionKind] = {}


def register_trigger(kind: TriggerKind) -> TriggerKind:
    if kind.name in TRIGGERS:
        raise ValueError(f"trigger kind {kind.name!r} is registered twice")
    TRIGGERS[kind.name] = kind
    return kind


def register_action(kind: ActionKind) -> ActionKind:
    if kind.name in ACTIONS:
        raise ValueError(f"action kind {kind.name!r} is registered twice")
    ACTIONS[kind.name] = kind
    return kind

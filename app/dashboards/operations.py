"""Verbs of the dashboard: the field goal, and a number's people saved as a universe. They
flush; the request commits."""

from __future__ import annotations

from datetime import date

from app.audit.operations import record_audit
from app.core.actor import Actor
from app.core.errors import ValidationError
from app.dashboards.models import FieldGoal
from app.dashboards.people import MAX_UNIVERSE_PEOPLE, people_behind
from app.dashboards.scope import Scope
from app.extensions import db
from app.people.models import Person
from app.universes.models import Universe
from app.universes.operations import create_universe


def set_field_goal(actor: Actor, doors: int, goal_on: date) -> FieldGoal:
    goal = db.session.get(FieldGoal, actor.organization_id)
    before = {"doors": goal.doors, "goal_on": goal.goal_on.isoformat()} if goal else None
    if goal is None:
        goal = FieldGoal(organization_id=actor.organization_id, doors=doors, goal_on=goal_on)
        db.session.add(goal)
    goal.doors, goal.goal_on, goal.updated_by_id = doors, goal_on, actor.user_id
    db.session.flush()
    record_audit(
        "dashboard.field_goal",
        entity_type="dash_field_goals",
        entity_id=str(actor.organization_id),
        changes={"before": before, "doors": doors, "goal_on": goal_on.isoformat()},
    )
    return goal


def save_as_universe(actor: Actor, scope: Scope, measure: str, name: str) -> tuple[Universe, int]:
    """The people behind a number as a universe of just them (a snapshot: the number moves
    on, the universe keeps who it counted now)."""
    people = people_behind(scope, measure).with_only_columns(Person.id).order_by(Person.id)
    ids = list(db.session.scalars(people.limit(MAX_UNIVERSE_PEOPLE + 1)))
    if not ids:
        raise ValidationError("Nobody is behind this number.", fields={"measure": ["No people."]})
    if len(ids) > MAX_UNIVERSE_PEOPLE:
        raise ValidationError(
            f"More than {MAX_UNIVERSE_PEOPLE:,} people: narrow the filters.",
            fields={"measure": [f"At most {MAX_UNIVERSE_PEOPLE:,} people."]},
        )
    description = f"Dashboard: {measure}, {scope.first} to {scope.last}"
    universe = create_universe(actor, name=name, filter={"people": ids}, description=description)
    return universe, len(ids)

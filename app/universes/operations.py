"""Verbs on universes. They flush; the caller commits."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import select

from app.audit.operations import describe_changes, record_audit
from app.audit.reads import record_bulk_read
from app.core.actor import Actor
from app.core.errors import Conflict
from app.extensions import db
from app.universes.export import csv_lines
from app.universes.models import HouseholdMode, Universe
from app.universes.queries import Search, count_search, export_rows


def _check_name_free(organization_id: int, name: str, universe_id: int | None = None) -> None:
    stmt = select(Universe.id).where(
        Universe.organization_id == organization_id, Universe.name == name
    )
    if universe_id is not None:
        stmt = stmt.where(Universe.id != universe_id)
    if db.session.scalar(stmt) is not None:
        raise Conflict(
            "The campaign has a universe with this name.",
            code="universe_name_taken",
            fields={"name": ["The campaign has a universe with this name."]},
        )


def create_universe(
    actor: Actor,
    *,
    name: str,
    filter: Mapping[str, Any],
    household_mode: HouseholdMode = HouseholdMode.PERSON,
    description: str = "",
    is_shared: bool = True,
) -> Universe:
    """Save a filter under a name (``filter`` as loaded by ``UniverseFilterSchema``)."""
    _check_name_free(actor.organization_id, name)
    universe = Universe(
        organization_id=actor.organization_id,
        name=name,
        description=description,
        filter=dict(filter),
        household_mode=household_mode,
        is_shared=is_shared,
        created_by_id=actor.user_id,
    )
    db.session.add(universe)
    changes = describe_changes(universe)
    db.session.flush()
    record_audit("universe.create", entity=universe, changes=changes)
    return universe


def update_universe(universe: Universe, changes: Mapping[str, Any]) -> Universe:
    if "name" in changes:
        _check_name_free(universe.organization_id, changes["name"], universe.id)
    for key, value in changes.items():
        setattr(universe, key, value)
    summary = describe_changes(universe)
    if summary:
        record_audit("universe.update", entity=universe, changes=summary)
    db.session.flush()
    return universe


def delete_universe(universe: Universe) -> None:
    record_audit(
        "universe.delete",
        entity=universe,
        changes={"name": universe.name, "filter": universe.filter},
    )
    db.session.delete(universe)
    db.session.flush()


def export_universe(universe: Universe) -> Iterator[str]:
    """Record the export (with its row count), then give its CSV text, read lazily.

    The audit row is written before any person leaves: the request commits it before the
    response body is streamed. The rows are read after that commit, so an import landing in
    between could make the recorded count differ by what it changed.
    """
    search = Search.of(universe)
    counts = count_search(search)
    record_bulk_read(
        "universe.export",
        entity=universe,
        filter=universe.filter,
        rows=counts["people"],
        households=counts["households"],
        household_mode=str(universe.household_mode),
    )
    db.session.flush()
    return csv_lines(export_rows(search), year=search.now.year)

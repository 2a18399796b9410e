"""The ``donor`` key of the filter language: giving history from the donations room's running
summaries (``donors``: one row per donor; ``donor_totals``: one row per donor and election).

``is_donor`` is the only key every role that builds universes may use: an organizer may know
that a person gives, never how much. Every other key is the person's giving itself (amounts,
and the giving detail that narrows a list to a few people: counts, dates, method, recurring,
lapsed, maxed out), so it needs ``donations.read`` (finance, admins). Directors see the money's
totals (app.fundraising), never one person's: a director's filter "gave over $2,000" would
name the people who did, one count at a time.

The check is made where a filter is loaded (the schema) and again where it compiles, so a
saved universe, a turf cut or a walk list built on it cannot carry amounts past a role that
may not read them. Outside a request (the CLI, the worker) the operator may.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from flask import has_request_context
from flask_jwt_extended import get_current_user
from sqlalchemy import ColumnElement, and_, exists, func, literal, not_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased
from sqlalchemy.types import Text

from app.auth.permissions import Permission
from app.core.errors import PermissionDenied
from app.donations.models import CandidateElection, Donor, DonorTotal
from app.people.models import Person

#: The keys anyone who builds universes may use (``cycle`` only says which cycle is "this").
OPEN_KEYS = frozenset({"is_donor", "cycle"})


def cycle_of(day: date) -> int:
    """The two-year cycle a day belongs to (its even year).

    >>> cycle_of(date(2025, 3, 1)), cycle_of(date(2026, 12, 31))
    (2026, 2026)
    """
    return day.year + day.year % 2


def may_read_amounts() -> bool:
    """Whether whoever is asking may filter on giving: a signed-in user with donations.read,
    or the CLI and the worker (no request)."""
    if not has_request_context():
        return True
    try:
        user = get_current_user()
    except RuntimeError:  # a request without a signed-in user compiles no filter of people
        return False
    return user is not None and user.can(Permission.DONATIONS_READ)


def check_donor_keys(spec: Mapping[str, Any]) -> None:
    """Refuse (403) the giving keys of ``spec`` to a role without donations.read."""
    restricted = sorted(set(spec) - OPEN_KEYS)
    if restricted and not may_read_amounts():
        raise PermissionDenied(
            "Your role may filter on whether a person is a donor, not on what they gave.",
            code="donor_amounts_forbidden",
            fields={f"donor.{key}": ["Needs donations.read."] for key in restricted},
        )


def _bounds(column, bounds: Mapping[str, Any] | None) -> list[ColumnElement[bool]]:
    if not bounds:
        return []
    clauses = []
    if "min" in bounds:
        clauses.append(column >= bounds["min"])
    if "max" in bounds:
        clauses.append(column <= bounds["max"])
    return clauses


def _cycle_total(donor: Any, cycle: int) -> ColumnElement[int]:
    """The donor's aggregate for ``cycle`` (refunds and moves counted)."""
    return (
        select(func.coalesce(func.sum(DonorTotal.amount_cents), 0))
        .where(DonorTotal.person_id == donor.person_id, DonorTotal.cycle == cycle)
        .scalar_subquery()
    )


def _maxed_out(donor: Any, cycle: int) -> ColumnElement[bool]:
    """At the limit of at least one of the cycle's elections."""
    return exists().where(
        DonorTotal.person_id == donor.person_id,
        DonorTotal.cycle == cycle,
        CandidateElection.id == DonorTotal.election_id,
        DonorTotal.amount_cents >= CandidateElection.limit_cents,
    )


def donor_clause(spec: Mapping[str, Any], today: date) -> ColumnElement[bool]:
    """Whether a ``people`` row matches the ``donor`` key (validated by DonorFilterSchema)."""
    check_donor_keys(spec)
    # An alias of its own: a query that joins donors already (call sheets) is not correlated.
    donor = aliased(Donor)
    is_donor = exists().where(
        donor.organization_id == Person.organization_id,
        donor.person_id == Person.id,
        donor.gift_count > 0,
    )
    if spec.get("is_donor") is False:
        return not_(is_donor)
    cycle = spec.get("cycle") or cycle_of(today)
    clauses: list[ColumnElement[bool]] = []
    clauses += _bounds(donor.total_cents, spec.get("total_ever"))
    clauses += _bounds(donor.largest_cents, spec.get("largest"))
    clauses += _bounds(donor.gift_count, spec.get("gifts"))
    last_on = spec.get("last_gift_on") or {}
    clauses += _bounds(donor.last_gift_on, {k: date.fromisoformat(v) for k, v in last_on.items()})
    if "last_gift_within_days" in spec:
        clauses.append(donor.last_gift_on > today - timedelta(days=spec["last_gift_within_days"]))
    if "total_cycle" in spec:
        clauses += _bounds(_cycle_total(donor, cycle), spec["total_cycle"])
    if "maxed_out" in spec:
        maxed = _maxed_out(donor, cycle)
        clauses.append(maxed if spec["maxed_out"] else not_(maxed))
    if "lapsed" in spec:
        lapsed = and_(_cycle_total(donor, cycle - 2) > 0, _cycle_total(donor, cycle) <= 0)
        clauses.append(lapsed if spec["lapsed"] else not_(lapsed))
    if "recurring" in spec:
        clauses.append(donor.is_recurring.is_(spec["recurring"]))
    if spec.get("methods"):
        methods = literal(sorted(spec["methods"]), ARRAY(Text)).cast(ARRAY(Text))
        clauses.append(donor.methods.overlap(methods))
    return is_donor.where(*clauses) if clauses else is_donor

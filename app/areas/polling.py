"""Polling places per precinct: loaded by the campaign from the county's list (replacing or
adding to what it has), read by the ``polling_place`` merge field and the API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from app.areas.models import PollingPlace
from app.audit.operations import record_audit
from app.core.actor import Actor
from app.core.errors import ValidationError
from app.core.pagination import Page, paginate
from app.extensions import db

#: One PUT holds a state's precincts (Pennsylvania has about 9,000).
MAX_PLACES = 20_000


def set_places(actor: Actor, places: Sequence[Mapping[str, Any]], *, replace: bool) -> dict:
    """Add or change the precincts' polling places, one per precinct (a precinct given twice
    is a mistake in the file, refused by row). ``replace``: the precincts not given lose
    theirs. Audited with the counts."""
    seen: dict[str, int] = {}
    for n, place in enumerate(places):
        code = place["precinct_code"]
        if code in seen:
            raise ValidationError(
                f"Precinct {code} is given twice (rows {seen[code] + 1} and {n + 1}).",
                code="precinct_twice", fields={f"places.{n}.precinct_code": code},
            )  # fmt: skip
        seen[code] = n
    organization_id = actor.organization_id
    removed = 0
    if replace:
        removed = db.session.execute(
            delete(PollingPlace).where(
                PollingPlace.organization_id == organization_id,
                PollingPlace.precinct_code.not_in(list(seen)),
            )
        ).rowcount
    if places:
        rows = [{"organization_id": organization_id, "notes": "", **p} for p in places]
        for start in range(0, len(rows), 5_000):  # 5 columns a row: under 65,535 parameters
            stmt = insert(PollingPlace).values(rows[start : start + 5_000])
            db.session.execute(stmt.on_conflict_do_update(
                index_elements=["organization_id", "precinct_code"],
                set_={c: stmt.excluded[c] for c in ("name", "address", "notes", "updated_at")},
            ))  # fmt: skip
    db.session.flush()
    counts = {"given": len(places), "removed": removed, "replace": replace}
    record_audit("polling_places.set", entity_type="polling_place", changes=counts,
                 organization_id=organization_id)  # fmt: skip
    return counts


def list_places(organization_id: int, args: Mapping[str, Any]) -> Page:
    query = select(PollingPlace).where(PollingPlace.organization_id == organization_id)
    if args.get("precinct_code"):
        query = query.where(PollingPlace.precinct_code == args["precinct_code"])
    return paginate(query, args, sortable={"precinct_code": PollingPlace.precinct_code},
                    default_order=[PollingPlace.precinct_code])  # fmt: skip


def places_of(organization_id: int, precinct_codes: set[str]) -> dict[str, dict[str, str]]:
    """precinct code -> {name, address, notes}, for the codes that have one."""
    if not precinct_codes:
        return {}
    rows = db.session.scalars(
        select(PollingPlace).where(
            PollingPlace.organization_id == organization_id,
            PollingPlace.precinct_code.in_(sorted(precinct_codes)),
        )
    )
    return {r.precinct_code: {"name": r.name, "address": r.address, "notes": r.notes}
            for r in rows}  # fmt: skip

"""Verbs on homes: a director places a pin on an address the geocoder could not place."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, update

from app.audit.operations import record_audit
from app.core.errors import NotFound
from app.core.signals import person_merged
from app.extensions import db
from app.voters.models import Address, Registration
from app.voters.search_columns import assign_areas, copy_homes_to_people


def place_address(organization_id: int, address_id: int, lon: float, lat: float) -> Address:
    """Set the address's point by hand; areas and the people living there follow."""
    address = db.session.get(Address, address_id)
    if address is None or address.organization_id != organization_id:
        raise NotFound("No such address.", code="address_not_found")
    before = {"source": address.geocode_source}
    address.point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    address.geocode_source, address.geocode_quality = "manual", "manual"
    db.session.flush()
    params = {"address_ids": [address.id]}
    assign_areas(organization_id, "SELECT unnest(CAST(:address_ids AS bigint[]))", **params)
    copy_homes_to_people(organization_id, "SELECT unnest(CAST(:address_ids AS bigint[]))", **params)
    record_audit(
        "address.place",
        entity=address,
        changes={"point": {"lon": lon, "lat": lat}, "geocode_source": before},
    )
    db.session.refresh(address)
    return address


@person_merged.connect
def move_registrations(kept: Any, *, merged: Any) -> dict[str, int]:
    """Two people merged (``kept`` and ``merged`` are ``app.people`` Persons, a room above):
    the merged one's registrations, with their votes, move to the kept one."""
    moved = db.session.execute(
        update(Registration)
        .where(
            Registration.person_id == merged.id,
            Registration.organization_id == merged.organization_id,
        )
        .values(person_id=kept.id)
        .execution_options(synchronize_session=False)
    )
    return {"registrations": moved.rowcount}

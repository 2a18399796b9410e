"""Factories named for what they make. They flush, never commit: each test rolls back."""

from __future__ import annotations

import itertools

from app.accounts.models import Organization, User
from app.accounts.operations import create_organization as _create_organization
from app.accounts.operations import create_user as _create_user
from app.auth.permissions import Role
from app.auth.tokens import issue_tokens
from app.extensions import db
from app.people.models import Person, PersonSource
from app.voters.models import Address, Household

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def create_organization(name: str | None = None) -> Organization:
    n = next(_counter)
    return _create_organization(name or f"Campaign {n}", f"campaign-{n}")


def create_user(
    organization: Organization | None = None,
    role: Role = Role.CANVASSER,
    *,
    email: str | None = None,
    password: str = PASSWORD,
    name: str | None = None,
) -> User:
    organization = organization or create_organization()
    n = next(_counter)
    return _create_user(
        organization,
        email=email or f"{role}{n}@example.org",
        name=name or f"{role.title()} {n}",
        role=role,
        password=password,
    )


def auth_headers(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_tokens(user).access_token}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def create_household(
    organization: Organization,
    *,
    house_number: str = "100",
    street: str = "MAIN ST",
    unit: str = "",
    zip: str = "19104",
    lon: float | None = -75.19,
    lat: float | None = 39.95,
) -> Household:
    """A household at an address (made on first use), with a point when lon/lat are given."""
    address = db.session.scalar(
        db.select(Address).filter_by(
            organization_id=organization.id, house_number=house_number, street=street, zip=zip
        )
    )
    if address is None:
        point = f"SRID=4326;POINT({lon} {lat})" if lon is not None else None
        address = Address(
            organization_id=organization.id,
            house_number=house_number,
            street=street,
            city="PHILADELPHIA",
            state="PA",
            zip=zip,
            point=point,
            geocode_source="file" if point else None,
        )
        db.session.add(address)
        db.session.flush()
    household = Household(organization_id=organization.id, address_id=address.id, unit=unit)
    db.session.add(household)
    db.session.flush()
    return household


def create_person(
    organization: Organization, *, household: Household | None = None, **fields
) -> Person:
    """A person; search columns (party, location ...) may be passed directly."""
    n = next(_counter)
    fields.setdefault("first_name", f"Pat{n}")
    fields.setdefault("last_name", "Voter")
    if household is not None:
        fields.setdefault("location", household.address.point)
        fields.setdefault("area_ids", list(household.address.area_ids or []))
    person = Person(
        organization_id=organization.id,
        household_id=household.id if household else None,
        source=fields.pop("source", PersonSource.VOTER_FILE),
        **fields,
    )
    db.session.add(person)
    db.session.flush()
    return person

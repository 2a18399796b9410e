"""Volunteers' fixtures: a campaign, an organiser, and makers for shifts, check-ins, knocks."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.auth.permissions import Role
from app.core.actor import Actor
from app.events.models import CheckIn, CheckInMethod, Signup, SignupStatus
from app.events.operations import create_event
from app.extensions import db
from app.knocks.models import DoorKnock
from app.walklists.models import WalkList, WalkListKind
from tests.factories import auth_headers, create_household, create_organization, create_user

START = datetime(2027, 3, 6, 15, 0, tzinfo=UTC)  # a Saturday
_doors = itertools.count(1000)


@pytest.fixture
def org(db_session):
    return create_organization("Friends of Ada")


@pytest.fixture
def organizer(org):
    return create_user(org, Role.ORGANIZER)


@pytest.fixture
def headers(organizer):
    return auth_headers(organizer)


def make_event(
    org,
    *,
    start=START,
    hours=2,
    capacity=None,
    has_waitlist=True,
    lon=-75.19,
    lat=39.95,
    name="Canvass launch",
):
    shift = {
        "starts_at": start,
        "ends_at": start + timedelta(hours=hours),
        "role": "canvasser",
        "capacity": capacity,
        "has_waitlist": has_waitlist,
    }
    fields = {"name": name, "kind": "canvass_launch", "shifts": [shift], "place_name": "Office"}
    if lon is not None:
        fields.update(lon=lon, lat=lat)
    return create_event(Actor.system(org.id, "test"), fields)


def add_signup(person, shift, status=SignupStatus.REGISTERED):
    signup = Signup(
        organization_id=person.organization_id,
        shift_id=shift.id,
        person_id=person.id,
        status=status,
        token=uuid.uuid4().hex,
        checkin_code=uuid.uuid4().hex[:12],
    )
    db.session.add(signup)
    db.session.flush()
    return signup


def check_in(signup, *, at, out=None):
    row = CheckIn(
        organization_id=signup.organization_id,
        signup_id=signup.id,
        shift_id=signup.shift_id,
        person_id=signup.person_id,
        method=CheckInMethod.SCAN,
        client_uuid=uuid.uuid4(),
        checked_in_at=at,
        checked_out_at=out,
    )
    db.session.add(row)
    db.session.flush()
    return row


def knock(org, user, *, days_ago=1, contact=False, at=None):
    walk_list = db.session.scalar(db.select(WalkList).filter_by(organization_id=org.id))
    if walk_list is None:
        walk_list = WalkList(
            organization_id=org.id,
            name="L",
            code=uuid.uuid4().hex[:8].upper(),
            kind=WalkListKind.NEAR,
            expires_at=datetime.now(UTC) + timedelta(days=1),
        )
        db.session.add(walk_list)
        db.session.flush()
    address_id = create_household(org, house_number=str(next(_doors))).address_id
    at = at or datetime.now(UTC) - timedelta(days=days_ago)
    db.session.add(
        DoorKnock(
            organization_id=org.id,
            client_uuid=uuid.uuid4(),
            walk_list_id=walk_list.id,
            user_id=user.id,
            address_id=address_id,
            is_contact=contact,
            occurred_at=at,
            client_at=at,
        )
    )
    db.session.flush()

"""A campaign with something in every OSDI collection, for the live clients' tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.apikeys.models import ApiScope
from app.apikeys.operations import create_api_key
from app.canvass.defaults import ensure_defaults
from app.core.actor import Actor
from app.donations.committee import add_election
from app.donations.models import Method
from app.donations.operations import record_donation
from app.events.operations import create_event, sign_up
from app.extensions import db
from app.people.models import InteractionKind, PersonEmail
from app.people.operations import record_answers, record_interaction
from app.turfs.models import Turf, TurfCut
from app.universes.operations import create_universe
from app.walklists.models import WalkList, WalkListKind
from tests.factories import create_household, create_organization, create_person

PEOPLE = 30  # more than a page (25) of people and of tags


def build_world() -> dict:
    org = create_organization("OSDI Campaign")
    actor = Actor.system(org.id, "test")
    home = create_household(org, zip="19104")
    people = []
    for n in range(PEOPLE):
        person = create_person(
            org,
            household=home if n < 3 else None,
            first_name=f"P{n:02d}",
            last_name="Live",
            tags=[f"tag{n:02d}"],
        )
        people.append(person)
    db.session.add(
        PersonEmail(
            organization_id=org.id,
            person=people[0],
            consent=True,
            address="p00@example.org",
            is_primary=True,
        )
    )
    create_person(org, last_name="Protected", confidential=True, tags=["secret-tag"])
    create_universe(actor, name="Everyone", filter={})
    ensure_defaults(org.id)
    square = "SRID=4326;MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)))"
    cut = TurfCut(organization_id=org.id, name="cut", target=50, area=square)
    db.session.add(cut)
    db.session.flush()
    turf = Turf(organization_id=org.id, name="t1", cut_id=cut.id, geom=square)
    db.session.add(turf)
    db.session.flush()
    walk = WalkList(
        organization_id=org.id,
        name="Walk 1",
        code="OSDIWALK",
        kind=WalkListKind.TURF,
        turf_id=turf.id,
        expires_at=datetime.now(UTC) + timedelta(days=3),
    )
    db.session.add(walk)
    db.session.flush()
    knock = record_interaction(
        people[1],
        InteractionKind.DOOR_KNOCK,
        result="not_home",
        data={"walk_list_id": walk.id, "answers": {"support": "2"}},
    )
    record_answers(knock, {"support": "2"})
    soon = datetime.now(UTC) + timedelta(days=3)
    event = create_event(
        actor,
        {
            "name": "Launch",
            "kind": "canvass_launch",
            "shifts": [{"starts_at": soon, "ends_at": soon + timedelta(hours=3)}],
        },
    )
    sign_up(event, {"shift_ids": [event.shifts[0].id]}, source="organizer", person=people[2])
    election = add_election(actor, {"kind": "G", "held_on": date(2099, 11, 3)})
    record_donation(
        actor,
        {
            "amount_cents": 5000,
            "election_id": election.id,
            "method": Method.CARD,
            "received_on": date.today(),
            "page": "spring",
        },
        person=people[0],
    )
    _, secret = create_api_key(actor, name="parsons", scopes=[s.value for s in ApiScope])
    return {"key": secret, "org_id": org.id, "first_id": people[0].id}

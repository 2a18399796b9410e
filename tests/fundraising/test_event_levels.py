"""An event's people by donation level: attendees of a fundraiser segmented for the follow-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.donations.committee import add_election
from app.events.models import Signup, SignupStatus
from app.events.operations import create_event
from app.extensions import db
from tests.donations.conftest import gift
from tests.factories import auth_headers, create_person, create_user


def test_attendees_by_donation_level(client, org, actor):
    # An election held today: its cycle is this cycle, whatever day the test runs.
    election = add_election(actor, {"kind": "S", "held_on": datetime.now(UTC).date()})
    start = datetime.now(UTC) - timedelta(days=1)
    shift = {"starts_at": start, "ends_at": start + timedelta(hours=2), "capacity": 20}
    event = create_event(actor, {"name": "House party", "kind": "rally", "shifts": [shift]})
    on = {"received_on": datetime.now(UTC).date()}
    statuses = {}
    for n, (cents, status) in enumerate(
        [
            (350_000, "completed"),
            (30_000, "completed"),
            (30_000, "completed"),
            (0, "completed"),
            (5_000, "no_show"),
            (0, "registered"),
        ]
    ):
        person = create_person(org, first_name=f"Guest{n}", last_name="Party")
        if cents:
            gift(actor, election, cents, person=person, **on)
        db.session.add(
            Signup(
                organization_id=org.id,
                shift_id=event.shifts[0].id,
                person_id=person.id,
                status=SignupStatus(status),
                token=f"token-{n}",
                checkin_code=f"code{n}",
            )
        )
        statuses[person.id] = status
    confidential = create_person(org, first_name="Hidden", confidential=True)
    db.session.add(
        Signup(
            organization_id=org.id,
            shift_id=event.shifts[0].id,
            person_id=confidential.id,
            status=SignupStatus.COMPLETED,
            token="token-x",
            checkin_code="codex",
        )
    )
    finance = auth_headers(create_user(org, Role.FINANCE))
    url = f"/api/v1/fundraising/events/{event.id}/donor-levels"

    body = client.get(url, headers=finance).get_json()
    levels = {code: n for code, n in body["levels"].items() if n}
    assert levels == {"maxed_out": 1, "100_499": 2, "not_donor": 1}
    assert len(body["people"]) == 4  # attended, the protected voter left out

    chosen = client.get(
        url, query_string={"levels": ["not_donor"], "status": "signed_up"}, headers=finance
    ).get_json()
    assert [p["name"] for p in chosen["people"]] == ["Guest3 Party", "Guest5 Party"]
    audit = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "fundraising.event_donor_levels")
    ).all()
    assert [a.changes["rows"] for a in audit] == [4, 2]

    organizer = auth_headers(create_user(org, Role.ORGANIZER))
    assert client.get(url, headers=organizer).status_code == 403

"""How a person becomes a volunteer: the one place a profile is started (by an organiser, a
public form, an invite, or by attending a shift: ``shift_attended``); and what the events room
below asks of a volunteer (``volunteer_asked``: their sign-in, their preferred channel)."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from app.audit.operations import record_audit
from app.core.signals import shift_attended, volunteer_asked
from app.events.volunteering import Volunteering
from app.extensions import db
from app.outreach.models import Channel
from app.people.models import Person
from app.people.queries import follow_merges
from app.volunteers.models import VolunteerProfile


def profile_of(person: Person) -> VolunteerProfile | None:
    return db.session.scalar(
        select(VolunteerProfile).where(
            VolunteerProfile.organization_id == person.organization_id,
            VolunteerProfile.person_id == person.id,
        )
    )


def new_profile(person: Person, *, source: str) -> VolunteerProfile:
    profile = VolunteerProfile(
        organization_id=person.organization_id,
        person_id=person.id,
        skills=[],
        availability={"weekly": [], "dates": []},
        feed_token=secrets.token_urlsafe(32),
        source=source,
    )
    db.session.add(profile)
    db.session.flush()
    return profile


@shift_attended.connect
def make_attendee_a_volunteer(person: Person, **_signup) -> VolunteerProfile:
    """Someone who came and worked a shift is a volunteer: their profile (and so their hours)
    is there from the check-in, without waiting for an organiser. Two kiosks checking the same
    person in to two shifts at once make one profile (the insert yields to the other's)."""
    person = follow_merges(person)
    added = db.session.scalar(
        insert(VolunteerProfile)
        .values(organization_id=person.organization_id, person_id=person.id,
                feed_token=secrets.token_urlsafe(32), source="attended")
        .on_conflict_do_nothing(index_elements=["organization_id", "person_id"])
        .returning(VolunteerProfile.id)
    )  # fmt: skip
    profile = profile_of(person)
    if added is not None:
        record_audit("volunteers.create", entity=profile,
                     changes={"person_id": person.id, "source": "attended"})  # fmt: skip
    return profile


@volunteer_asked.connect
def _volunteering_of(person_id: int) -> Volunteering | None:
    found = db.session.execute(
        select(VolunteerProfile.user_id, VolunteerProfile.preferred_channel).where(
            VolunteerProfile.person_id == person_id
        )
    ).first()
    if found is None:
        return None
    return Volunteering(found.user_id, Channel(found.preferred_channel.value))

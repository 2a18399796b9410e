"""Who a campaign goes to: its audience (a universe, an event's sign-ups, the volunteers, a
team) less everyone who may not get it, as one SQL statement of (person_id, address) rows.

Who may not: not listable (confidential, merged away), deceased, do-not-contact (the person or
the address: unsubscribed, bounced, complained, a STOP-like refusal), an address never
consented when the campaign sends only to consented ones, and a person who refused the
campaign's purpose by email (``ConsentState``). It is read when the audience is counted, when
the send starts, and again for every batch as it is sent (``app.mailings.sending``), so an
opt-out made while a campaign is sending stops the next message.

A new audience (donors, when ``app/donations`` has a "donors of an election" read) is one
function in ``AUDIENCES`` returning a select of person ids.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, Select, and_, distinct, exists, func, select
from sqlalchemy.dialects.postgresql import distinct_on

from app.core.errors import ValidationError
from app.events.models import Shift, Signup, SignupStatus
from app.extensions import db
from app.mailings.models import AudienceKind, EmailCampaign
from app.people.models import ConsentChannel, ConsentState, Person, PersonEmail
from app.people.visibility import Channel, is_listable, is_reachable
from app.universes.models import HouseholdMode, Universe
from app.universes.queries import Search
from app.volunteers.models import TeamMember, VolunteerProfile, VolunteerStatus

PeopleOf = Callable[[int, int | None], Select]


def _universe(organization_id: int, universe_id: int | None) -> Select:
    universe = db.session.get(Universe, universe_id) if universe_id else None
    if universe is None or universe.organization_id != organization_id:
        raise ValidationError("No such universe.", fields={"audience_id": ["No such universe."]})
    return Search.of(universe).people().with_only_columns(Person.id)


def _event(organization_id: int, event_id: int | None) -> Select:
    return (
        select(Signup.person_id)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(
            Signup.organization_id == organization_id,
            Shift.event_id == event_id,
            Signup.status != SignupStatus.CANCELLED,
        )
    )


def _volunteers(organization_id: int, _: int | None) -> Select:
    return select(VolunteerProfile.person_id).where(
        VolunteerProfile.organization_id == organization_id,
        VolunteerProfile.status == VolunteerStatus.ACTIVE,
    )


def _team(organization_id: int, team_id: int | None) -> Select:
    return (
        select(VolunteerProfile.person_id)
        .join(TeamMember, TeamMember.profile_id == VolunteerProfile.id)
        .where(TeamMember.organization_id == organization_id, TeamMember.team_id == team_id)
    )


AUDIENCES: dict[AudienceKind, PeopleOf] = {
    AudienceKind.UNIVERSE: _universe,
    AudienceKind.EVENT: _event,
    AudienceKind.VOLUNTEERS: _volunteers,
    AudienceKind.TEAM: _team,
}


def usable_email(campaign: EmailCampaign) -> ColumnElement[bool]:
    """The ``people`` x ``person_emails`` row may get this campaign now."""
    clauses = [
        PersonEmail.person_id == Person.id,
        PersonEmail.do_not_contact.is_(False),
        # may_contact(EMAIL) for this very address: listable, alive, not do-not-contact.
        is_listable(),
        is_reachable(Channel.DOOR),
        _refused(campaign),
    ]
    if campaign.consented_only:
        clauses.append(PersonEmail.consent.is_(True))
    return and_(*clauses)


def _refused(campaign: EmailCampaign) -> ColumnElement[bool]:
    """Not a person who said no to the campaign's purpose by email."""
    return ~exists().where(
        ConsentState.person_id == Person.id,
        ConsentState.channel == ConsentChannel.EMAIL,
        ConsentState.purpose == campaign.purpose,
        ConsentState.granted.is_(False),
    )


def audience_rows(campaign: EmailCampaign) -> Select:
    """(person_id, address): one address per person (their primary usable one), and with
    ``one_per_address`` one person per address (the first by id)."""
    people = AUDIENCES[campaign.audience_kind](campaign.organization_id, campaign.audience_id)
    per_person = (
        select(Person.id.label("person_id"), PersonEmail.address.label("address"))
        .select_from(Person)
        .join(PersonEmail, PersonEmail.person_id == Person.id)
        .where(
            Person.organization_id == campaign.organization_id,
            Person.id.in_(people.correlate(None)),
            usable_email(campaign),
        )
        .ext(distinct_on(Person.id))
        .order_by(Person.id, PersonEmail.is_primary.desc(), PersonEmail.id)
        .subquery()
    )
    if not campaign.one_per_address:
        return select(per_person.c.person_id, per_person.c.address)
    return (
        select(per_person.c.person_id, per_person.c.address)
        .ext(distinct_on(per_person.c.address))
        .order_by(per_person.c.address, per_person.c.person_id)
    )


def count_audience(campaign: EmailCampaign) -> int:
    """How many messages ``audience_rows`` would give, from ``people`` alone where it can:
    the chosen address is ``people.email_key`` (kept by a trigger), so a count over a million
    people is one scan, not a join of people and their emails, and only the keys people share
    (``email_shared``) are de-duplicated."""
    if not campaign.consented_only:
        rows = audience_rows(campaign).subquery()
        return db.session.scalar(select(func.count()).select_from(rows)) or 0
    clauses = [
        Person.organization_id == campaign.organization_id,
        Person.email_key.is_not(None),
        is_listable(),
        is_reachable(Channel.DOOR),
        _refused(campaign),
        _in_audience(campaign),
    ]
    if not campaign.one_per_address:
        return db.session.scalar(select(func.count()).where(*clauses)) or 0
    # Most addresses belong to one person: only the shared ones need de-duplicating.
    alone = select(func.count()).where(*clauses, Person.email_shared.is_(False))
    shared = select(func.count(distinct(Person.email_key))).where(
        *clauses, Person.email_shared.is_(True)
    )
    return (db.session.scalar(alone) or 0) + (db.session.scalar(shared) or 0)


def _in_audience(campaign: EmailCampaign) -> ColumnElement[bool]:
    people = AUDIENCES[campaign.audience_kind](campaign.organization_id, campaign.audience_id)
    universe = _universe_of(campaign)
    if universe is not None and universe.household_mode is HouseholdMode.PERSON:
        # The universe's own conditions on the same rows, not a join of people to people.
        return Search.of(universe).people().whereclause
    return Person.id.in_(people.correlate(None))


def _universe_of(campaign: EmailCampaign) -> Universe | None:
    if campaign.audience_kind is not AudienceKind.UNIVERSE:
        return None
    return db.session.get(Universe, campaign.audience_id)

"""Reads: volunteers searched by skill, language, team, availability, distance and activity;
one volunteer's history (shifts, hours, doors) and their own coming sign-ups; invites; the
calendar feed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, not_, or_, select, text

from app.core.errors import NotFound, ValidationError
from app.core.pagination import Page, paginate
from app.events.checkins import hours
from app.events.models import CheckIn, Event, EventKind, Shift, Signup, SignupStatus
from app.events.queries import calendar_file
from app.extensions import db
from app.knocks.models import DoorKnock, KnockStatus
from app.people.models import Person
from app.people.queries import name_matches
from app.volunteers.models import Team, TeamMember, VolunteerProfile
from app.volunteers.operations import feed_url
from app.voters.models import Address, Household

VOLUNTEER_SORTS = {"name": Person.last_name, "created_at": VolunteerProfile.created_at}
NO_SIGN_IN = (
    "No sign-in is linked to this volunteer (user_id): door knocks are recorded per "
    "user, so there are none to count."
)

#: A sign-up the person came to: checked in, or marked completed by an organiser.
ATTENDED = or_(
    Signup.status == SignupStatus.COMPLETED,
    exists().where(CheckIn.signup_id == Signup.id),
)
#: Still meant to come (not cancelled, not a no-show).
BOOKED = Signup.status.in_(
    (SignupStatus.REGISTERED, SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)
)


def get_profile(organization_id: int, person_id: int) -> VolunteerProfile:
    profile = db.session.scalar(
        select(VolunteerProfile).where(
            VolunteerProfile.organization_id == organization_id,
            VolunteerProfile.person_id == person_id,
        )
    )
    if profile is None:
        raise NotFound("This person is not a volunteer.", code="volunteer_not_found")
    return profile


def _home_point():
    """The person's home: their address's point, else the point the import copied."""
    return func.coalesce(Address.point, Person.location)


def list_volunteers(organization_id: int, args: Mapping[str, Any]) -> Page:
    now = datetime.now(UTC)
    stmt = (
        select(VolunteerProfile)
        .join(Person, Person.id == VolunteerProfile.person_id)
        .outerjoin(Household, Household.id == Person.household_id)
        .outerjoin(Address, Address.id == Household.address_id)
        .where(VolunteerProfile.organization_id == organization_id)
    )
    default_order = [Person.last_name, Person.first_name, VolunteerProfile.id]
    if args["status"] != "all":
        stmt = stmt.where(VolunteerProfile.status == args["status"])
    if args.get("q"):
        stmt = stmt.where(name_matches(args["q"]))
    if args.get("skill"):
        stmt = stmt.where(VolunteerProfile.skills.contains([args["skill"].value]))
    if args.get("language"):
        stmt = stmt.where(Person.languages.contains([args["language"].lower()]))
    if args.get("team"):
        stmt = stmt.where(
            exists().where(
                TeamMember.profile_id == VolunteerProfile.id, TeamMember.team_id == args["team"]
            )
        )
    if args.get("organizer"):
        stmt = stmt.where(VolunteerProfile.organizer_user_id == args["organizer"])
    if args.get("available_on"):
        stmt = stmt.where(available_on(args["available_on"]))
    distance = None
    if args.get("near_event"):
        event_point = _event_point(organization_id, args["near_event"])
        distance = func.ST_Distance(func.geography(_home_point()), event_point)
        stmt = stmt.where(
            func.ST_DWithin(func.geography(_home_point()), event_point, args["within_km"] * 1000)
        )
        default_order = [distance, VolunteerProfile.id]
    if args.get("activity") == "never_returned":
        stmt = stmt.where(never_returned(now))
    elif args.get("activity") == "top_canvassers":
        recent = _recent_knocks(now - timedelta(days=args["days"]))
        stmt = stmt.where(recent > 0)
        default_order = [recent.desc(), VolunteerProfile.id]
    page = paginate(stmt, args, sortable=VOLUNTEER_SORTS, default_order=default_order)
    page.items = profile_rows(page.items, days=args["days"], event_id=args.get("near_event"))
    return page


def available_on(day: date):
    """A weekly window on that weekday (0 Monday), or that date among their dates."""
    return or_(
        VolunteerProfile.availability.contains({"weekly": [{"day": day.weekday()}]}),
        VolunteerProfile.availability.contains({"dates": [{"date": day.isoformat()}]}),
    )


def never_returned(now: datetime):
    """Came once at most though they signed up for a shift that is over, and have nothing
    booked ahead (somebody already coming next week needs no call)."""
    mine = Signup.person_id == VolunteerProfile.person_id
    attended = select(func.count()).select_from(Signup).where(mine, ATTENDED).scalar_subquery()
    past = exists().where(
        mine,
        Signup.shift_id == Shift.id,
        Shift.ends_at < now,
        Signup.status != SignupStatus.CANCELLED,
    )
    ahead = exists().where(mine, Signup.shift_id == Shift.id, Shift.starts_at > now, BOOKED)
    return and_(attended <= 1, past, not_(ahead))


def _recent_knocks(since: datetime):
    return (
        select(func.count())
        .select_from(DoorKnock)
        .where(
            DoorKnock.user_id == VolunteerProfile.user_id,
            DoorKnock.organization_id == VolunteerProfile.organization_id,
            DoorKnock.status == KnockStatus.APPLIED,
            DoorKnock.occurred_at >= since,
        )
        .scalar_subquery()
    )


def _event_point(organization_id: int, event_id: int):
    event = db.session.get(Event, event_id)
    if event is None or event.organization_id != organization_id:
        raise ValidationError(
            "No such event.", code="event_not_found", fields={"near_event": ["No such event."]}
        )
    if event.point is None:
        raise ValidationError(
            "The event has no place on the map.",
            code="event_not_placed",
            fields={"near_event": ["The event has no point."]},
        )
    return func.geography(select(Event.point).where(Event.id == event_id).scalar_subquery())


def profile_rows(
    profiles: list[VolunteerProfile], *, days: int = 30, event_id: int | None = None
) -> list[dict[str, Any]]:
    """Profiles as the list shows them, with their activity in two queries for the page."""
    if not profiles:
        return []
    person_ids = [p.person_id for p in profiles]
    attended = {
        person_id: (n, last)
        for person_id, n, last in db.session.execute(
            select(Signup.person_id, func.count(), func.max(Shift.starts_at))
            .join(Shift, Shift.id == Signup.shift_id)
            .where(Signup.person_id.in_(person_ids), ATTENDED)
            .group_by(Signup.person_id)
        )
    }
    since = datetime.now(UTC) - timedelta(days=days)
    user_ids = [p.user_id for p in profiles if p.user_id is not None]
    knocks = {
        user_id: (n, recent)
        for user_id, n, recent in db.session.execute(
            select(
                DoorKnock.user_id, func.count(), func.count().filter(DoorKnock.occurred_at >= since)
            )
            .where(DoorKnock.user_id.in_(user_ids), DoorKnock.status == KnockStatus.APPLIED)
            .group_by(DoorKnock.user_id)
        )
    }
    distances = _distances(person_ids, event_id) if event_id else {}
    rows = []
    for profile in profiles:
        n, last = attended.get(profile.person_id, (0, None))
        doors, recent = knocks.get(profile.user_id, (0, 0))
        row = profile_row(profile)
        row["activity"] = {
            "attended_shifts": n,
            "last_attended_at": last,
            "doors_knocked": doors,
            "doors_knocked_recent": recent,
        }
        row["distance_km"] = distances.get(profile.person_id)
        rows.append(row)
    return rows


def _distances(person_ids: list[int], event_id: int) -> dict[int, float]:
    event_point = select(Event.point).where(Event.id == event_id).scalar_subquery()
    rows = db.session.execute(
        select(
            Person.id, func.ST_Distance(func.geography(_home_point()), func.geography(event_point))
        )
        .outerjoin(Household, Household.id == Person.household_id)
        .outerjoin(Address, Address.id == Household.address_id)
        .where(Person.id.in_(person_ids))
    )
    return {pid: round(m / 1000, 3) for pid, m in rows if m is not None}


def profile_row(profile: VolunteerProfile) -> dict[str, Any]:
    person = profile.person
    fields = (
        "id",
        "person_id",
        "skills",
        "availability",
        "preferred_channel",
        "organizer_user_id",
        "user_id",
        "status",
        "notes",
        "source",
        "created_at",
        "updated_at",
    )
    return {
        **{name: getattr(profile, name) for name in fields},
        "name": person.full_name,
        "email": next((e.address for e in person.emails), None),
        "phone": next((p.number for p in person.phones), None),
        "languages": person.languages,
        "teams": [{"id": t.id, "name": t.name} for t in profile.teams],
        "feed_url": feed_url(profile),
    }


def volunteer_detail(profile: VolunteerProfile) -> dict[str, Any]:
    """The profile, every shift they signed up for (with check-in and hours), their doors."""
    rows = db.session.execute(
        select(Signup, Shift, Event, CheckIn)
        .join(Shift, Shift.id == Signup.shift_id)
        .join(Event, Event.id == Shift.event_id)
        .outerjoin(CheckIn, CheckIn.signup_id == Signup.id)
        .where(Signup.person_id == profile.person_id)
        .order_by(Shift.starts_at.desc(), Signup.id)
    ).all()
    shifts = [_shift_history(*row, profile.user_id) for row in rows]
    row = profile_rows([profile])[0]
    totals = {
        "shifts_signed_up": sum(s["status"] != SignupStatus.CANCELLED.value for s in shifts),
        "shifts_attended": sum(s["attended"] for s in shifts),
        "no_shows": sum(s["status"] == SignupStatus.NO_SHOW.value for s in shifts),
        "hours": round(sum(s["hours"] for s in shifts), 2),
        "doors_knocked": None,
        "contacts_made": None,
    }
    canvassing = NO_SIGN_IN
    if profile.user_id is not None:
        canvassing = None
        doors, contacts = db.session.execute(
            select(func.count(), func.count().filter(DoorKnock.is_contact)).where(
                DoorKnock.user_id == profile.user_id,
                DoorKnock.organization_id == profile.organization_id,
                DoorKnock.status == KnockStatus.APPLIED,
            )
        ).one()
        totals.update(doors_knocked=doors, contacts_made=contacts)
    return {**row, "shifts": shifts, "totals": totals, "canvassing": canvassing}


def _shift_history(signup, shift, event, check_in, user_id: int | None) -> dict[str, Any]:
    attended = signup.status == SignupStatus.COMPLETED or check_in is not None
    canvasser = user_id if event.kind == EventKind.CANVASS_LAUNCH else None
    return {
        "signup_id": signup.id,
        "event_id": event.id,
        "event_name": event.name,
        "time_zone": event.time_zone,
        "shift_id": shift.id,
        "role": shift.role,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "status": signup.status.value,
        "attended": attended,
        "checked_in_at": check_in.checked_in_at if check_in else None,
        "checked_out_at": check_in.checked_out_at if check_in else None,
        "hours": hours(shift, check_in, canvasser) if attended else 0.0,
    }


def my_signups(user_id: int, organization_id: int) -> list[Signup]:
    """The sign-ups of the volunteer whose profile names this sign-in, from today on."""
    return list(
        db.session.scalars(
            select(Signup)
            .join(Shift, Shift.id == Signup.shift_id)
            .join(VolunteerProfile, VolunteerProfile.person_id == Signup.person_id)
            .where(VolunteerProfile.user_id == user_id)
            .where(VolunteerProfile.organization_id == organization_id)
            .where(Shift.ends_at > func.now() - text("interval '12 hours'"))
            .where(Signup.status != SignupStatus.CANCELLED)
            .order_by(Shift.starts_at, Signup.id)
            .limit(100)
        )
    )


def list_teams(organization_id: int, team_id: int | None = None) -> list[dict[str, Any]]:
    members = (
        select(func.count()).where(TeamMember.team_id == Team.id).correlate(Team).scalar_subquery()
    )
    stmt = select(Team, members).where(Team.organization_id == organization_id)
    if team_id is not None:
        stmt = stmt.where(Team.id == team_id)
    return [
        {
            "id": t.id,
            "name": t.name,
            "organizer_user_id": t.organizer_user_id,
            "members": n,
            "created_at": t.created_at,
        }
        for t, n in db.session.execute(stmt.order_by(Team.name))
    ]


def get_team(organization_id: int, team_id: int) -> Team:
    team = db.session.get(Team, team_id) if team_id < 2**63 else None
    if team is None or team.organization_id != organization_id:
        raise NotFound("No such team.", code="team_not_found")
    return team


def team_row(team: Team) -> dict[str, Any]:
    return list_teams(team.organization_id, team.id)[0]


def profile_by_feed_token(token: str) -> VolunteerProfile:
    profile = db.session.scalar(
        select(VolunteerProfile).where(VolunteerProfile.feed_token == token)
    )
    if profile is None:
        raise NotFound("No such calendar (the link may be mistyped).", code="feed_not_found")
    return profile


def feed(profile: VolunteerProfile) -> bytes:
    """Every shift the volunteer signed up for (waitlisted ones tentative); cancelled ones
    say so, and a subscribed calendar drops them."""
    signups = db.session.scalars(
        select(Signup)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Signup.person_id == profile.person_id)
        .order_by(Shift.starts_at, Signup.id)
        .limit(1000)
    ).all()
    return calendar_file(list(signups))

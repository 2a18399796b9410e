"""What every panel is asked for: a campaign, a run of days, and optionally an area, a team,
a canvasser and a universe. The team and the universe become sets of people (or sign-ins)
that each panel applies to its own rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, select

from app.areas.models import Area
from app.core.errors import NotFound, ValidationError
from app.extensions import db
from app.people.models import Person
from app.universes.queries import Search, get_universe
from app.volunteers.models import TeamMember, VolunteerProfile
from app.volunteers.queries import get_team

#: The longest run of days a panel covers (two years and a day).
MAX_DAYS = 731


@dataclass(frozen=True)
class Scope:
    organization_id: int
    first: date
    last: date
    area_id: int | None = None
    team_id: int | None = None
    user_id: int | None = None
    universe_id: int | None = None
    #: Who asks (a private universe is only its creator's).
    viewer_id: int = 0

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def team_users(self) -> Select | None:
        """The sign-ins of the team's volunteers (their knocks are the team's)."""
        if self.team_id is None:
            return None
        return (
            select(VolunteerProfile.user_id)
            .join(TeamMember, TeamMember.profile_id == VolunteerProfile.id)
            .where(TeamMember.team_id == self.team_id, VolunteerProfile.user_id.is_not(None))
        )

    def team_people(self) -> Select | None:
        if self.team_id is None:
            return None
        return (
            select(VolunteerProfile.person_id)
            .join(TeamMember, TeamMember.profile_id == VolunteerProfile.id)
            .where(TeamMember.team_id == self.team_id)
        )

    def universe_people(self) -> Select | None:
        """The ids of the universe's people, as its lists would hold them."""
        if self.universe_id is None:
            return None
        universe = get_universe(self.organization_id, self.viewer_id, self.universe_id)
        return Search.of(universe).people().with_only_columns(Person.id)


def make_scope(organization_id: int, viewer_id: int, args: dict, today: date) -> Scope:
    """The scope the query string asks for (default: the last 30 days), checked."""
    last = args.get("to") or today
    first = args.get("from_") or last - timedelta(days=29)
    if first > last:
        raise ValidationError("'from' is after 'to'.", fields={"from": ["After 'to'."]})
    if (last - first).days >= MAX_DAYS:
        raise ValidationError(
            f"A panel covers at most {MAX_DAYS} days.",
            fields={"from": [f"At most {MAX_DAYS} days before 'to'."]},
        )
    scope = Scope(
        organization_id,
        first,
        last,
        area_id=args.get("area_id"),
        team_id=args.get("team_id"),
        user_id=args.get("user_id"),
        universe_id=args.get("universe_id"),
        viewer_id=viewer_id,
    )
    if scope.team_id is not None:
        get_team(organization_id, scope.team_id)  # another campaign's team is not found
    if scope.universe_id is not None:
        get_universe(organization_id, viewer_id, scope.universe_id)
    if scope.area_id is not None:
        _check_area(organization_id, scope.area_id)
    return scope


def _check_area(organization_id: int, area_id: int) -> None:
    found = db.session.scalar(
        select(Area.id).where(Area.id == area_id, Area.organization_id == organization_id)
    )
    if found is None:
        raise NotFound("No such area.", code="area_not_found")


def week_of(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())

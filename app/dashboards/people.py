"""The people behind a number: each measure a panel shows, as the ids of the people it
counts (from the raw tables, with the panel's filters). Listed, saved as a universe, or
refused where the role may not see who they are (a donor's name is finance's)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Date, Select, any_, cast, func, literal, select

from app.auth.permissions import Permission
from app.core.errors import ValidationError
from app.dashboards.scope import Scope
from app.dashboards.sources import time_zone
from app.dashboards.volunteers import people_filter, signups
from app.donations.models import Donation, EntryKind
from app.events.models import SignupStatus
from app.knocks.models import DoorKnock, KnockStatus
from app.mailings.models import CampaignRecipient
from app.people.models import Person, SurveyAnswer
from app.people.visibility import is_listable
from app.texting.models import Conversation, ConversationStatus, Direction, TextMessage
from app.voters.models import Address

#: The most people one number may be saved as a universe with.
MAX_UNIVERSE_PEOPLE = 100_000


def _day(scope: Scope, column):
    return cast(func.timezone(time_zone(scope.organization_id), column), Date)


def _knocked(scope: Scope, *, contacts: bool) -> Select:
    """The people living at the doors knocked (a knock is a door's, not one person's)."""
    knocks = select(DoorKnock.household_id).where(
        DoorKnock.organization_id == scope.organization_id,
        DoorKnock.status == KnockStatus.APPLIED,
        _day(scope, DoorKnock.occurred_at).between(scope.first, scope.last),
    )
    if contacts:
        knocks = knocks.where(DoorKnock.is_contact)
    if scope.area_id is not None:
        knocks = knocks.join(Address, Address.id == DoorKnock.address_id).where(
            literal(scope.area_id) == any_(Address.area_ids)
        )
    if scope.user_id is not None:
        knocks = knocks.where(DoorKnock.user_id == scope.user_id)
    team = scope.team_users()
    if team is not None:
        knocks = knocks.where(DoorKnock.user_id.in_(team))
    people = select(Person.id).where(Person.household_id.in_(knocks))
    universe = scope.universe_people()
    return people.where(Person.id.in_(universe)) if universe is not None else people


def _support(score: str) -> Callable[[Scope], Select]:
    def ids(scope: Scope) -> Select:
        query = select(SurveyAnswer.person_id).where(
            SurveyAnswer.organization_id == scope.organization_id,
            SurveyAnswer.question == "support",
            SurveyAnswer.answer == score,
            SurveyAnswer.answered_on.between(scope.first, scope.last),
        )
        if scope.user_id is not None:
            query = query.where(SurveyAnswer.user_id == scope.user_id)
        team = scope.team_users()
        if team is not None:
            query = query.where(SurveyAnswer.user_id.in_(team))
        return people_filter(query, SurveyAnswer.person_id, scope)

    return ids


def _signed_up(status: SignupStatus) -> Callable[[Scope], Select]:
    def ids(scope: Scope) -> Select:
        rows = signups(scope).subquery()
        return select(rows.c.person_id).where(rows.c.status == status)

    return ids


def _donors(scope: Scope) -> Select:
    query = select(Donation.person_id).where(
        Donation.organization_id == scope.organization_id,
        Donation.kind == EntryKind.CONTRIBUTION,
        Donation.voided_at.is_(None),
        Donation.received_on.between(scope.first, scope.last),
    )
    return people_filter(query, Donation.person_id, scope)


def _email(column_name: str) -> Callable[[Scope], Select]:
    def ids(scope: Scope) -> Select:
        r = CampaignRecipient
        query = select(r.person_id).where(
            r.organization_id == scope.organization_id,
            getattr(r, column_name).is_not(None),
            _day(scope, r.sent_at).between(scope.first, scope.last),
        )
        return people_filter(query, r.person_id, scope)

    return ids


def _texts(*, opted_out: bool) -> Callable[[Scope], Select]:
    def ids(scope: Scope) -> Select:
        c = Conversation
        query = select(c.person_id).where(
            c.organization_id == scope.organization_id,
            _day(scope, c.first_sent_at).between(scope.first, scope.last),
        )
        if opted_out:
            query = query.where(c.status == ConversationStatus.OPTED_OUT)
        else:
            query = query.where(
                select(TextMessage.id)
                .where(TextMessage.conversation_id == c.id, TextMessage.direction == Direction.IN)
                .exists()
            )
        return people_filter(query, c.person_id, scope)

    return ids


#: measure -> (the permission that shows its panel, the people it counts)
MEASURES: dict[str, tuple[Permission, Callable[[Scope], Select]]] = {
    "doors": (Permission.DASHBOARD_READ, lambda s: _knocked(s, contacts=False)),
    "contacts": (Permission.DASHBOARD_READ, lambda s: _knocked(s, contacts=True)),
    **{f"support_{n}": (Permission.DASHBOARD_READ, _support(n)) for n in "12345"},
    "attended": (Permission.DASHBOARD_READ, _signed_up(SignupStatus.COMPLETED)),
    "no_shows": (Permission.DASHBOARD_READ, _signed_up(SignupStatus.NO_SHOW)),
    # Who gave is finance's to see (directors read totals, never a giver).
    "donors": (Permission.DONATIONS_READ, _donors),
    "email_clicked": (Permission.DASHBOARD_READ, _email("clicked_at")),
    "email_unsubscribed": (Permission.DASHBOARD_READ, _email("unsubscribed_at")),
    "email_replied": (Permission.DASHBOARD_READ, _email("replied_at")),
    "text_replied": (Permission.DASHBOARD_READ, _texts(opted_out=False)),
    "text_opted_out": (Permission.DASHBOARD_READ, _texts(opted_out=True)),
}


def people_behind(scope: Scope, measure: str) -> Select:
    """``select(Person)`` of the listable people a measure counts in the scope."""
    if measure not in MEASURES:
        raise ValidationError("No such measure.", fields={"measure": ["Not a measure."]})
    ids = MEASURES[measure][1](scope)
    return select(Person).where(
        Person.organization_id == scope.organization_id, Person.id.in_(ids), is_listable()
    )

"""The universe filter language: what each key of a filter means, as SQL over ``people``.

A filter is a JSON object whose keys are ANDed (reference: docs/universes.md; validation:
``app.universes.schemas.UniverseFilterSchema``). Each key compiles to one boolean clause on the
``people`` row through a function registered with ``@clause(key)``; a new key (survey answers,
say) is one schema field plus one registered function, and nothing else changes.

The keys a large search combines (party, age, vote history, polygon, areas, tags) compile to
predicates on ``people``'s own search columns, so the search is a single (indexed) scan of that
table; only precinct codes, ballot party, contact history (``history``: its own module,
app.universes.history) and giving (``donor``: app.universes.donors) look at other tables
(EXISTS).
Who may appear at all (campaign, confidential, merged) is not decided here but by
``app.universes.queries.listable_people``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from shapely.geometry import shape
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    and_,
    any_,
    distinct,
    exists,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, distinct_on

from app.core.geo import to_db
from app.people.grid import cover
from app.people.models import HistoryChannel, Interaction, InteractionKind, Person, SurveyAnswer
from app.people.visibility import Channel, is_reachable
from app.universes.donors import donor_clause
from app.universes.history import history_clause
from app.voters.models import VOTE_METHOD_CODES, Registration, Vote

#: Interactions that count as contact attempts.
CONTACT_KINDS = (InteractionKind.DOOR_KNOCK, InteractionKind.CALL, InteractionKind.TEXT)
#: Person.vote_codes holds election_id * VOTE_CODE_SLOTS + method code.
VOTE_CODE_SLOTS = 8


@dataclass(frozen=True)
class FilterContext:
    """What a filter is relative to: ages count from ``today``, contact windows from ``now``."""

    now: datetime

    @property
    def today(self) -> date:
        return self.now.date()


Compiler = Callable[[Any, FilterContext], ColumnElement[bool]]
_COMPILERS: dict[str, Compiler] = {}
#: Keys that change who may be shown rather than who matches (see suppression_clauses).
SWITCHES = frozenset({"include_suppressed"})


def clause(key: str) -> Callable[[Compiler], Compiler]:
    """Register the compiler of one filter key."""

    def register(compiler: Compiler) -> Compiler:
        _COMPILERS[key] = compiler
        return compiler

    return register


def compiled_keys() -> frozenset[str]:
    return frozenset(_COMPILERS)


def match_clause(filter: Mapping[str, Any], ctx: FilterContext) -> ColumnElement[bool]:
    """Whether a ``people`` row is a target of ``filter`` (suppressions aside)."""
    clauses = [_COMPILERS[key](value, ctx) for key, value in filter.items() if key not in SWITCHES]
    return and_(true(), *clauses)


def suppression_clauses(filter: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    """Deceased, moved and do-not-contact people leave every list unless asked for."""
    if filter.get("include_suppressed"):
        return []
    # listable_people has said who may be listed; this is who may still be knocked for.
    return [is_reachable(Channel.DOOR), Person.has_moved.is_(False)]


def _int_array(values: list[int], item_type=Integer) -> ColumnElement:
    return literal(sorted(set(values)), ARRAY(item_type)).cast(ARRAY(item_type))


def _overlaps(column, values: list[int]) -> ColumnElement[bool]:
    # intarray shadows int[] && with its own operator, which the GIN array_ops indexes on
    # people cannot serve; pg_catalog's operator can.
    return column.op("OPERATOR(pg_catalog.&&)", is_comparison=True)(_int_array(values))


@clause("party")
def _party(codes: list[str], ctx: FilterContext) -> ColumnElement[bool]:
    return Person.party.in_(codes)


@clause("gender")
def _gender(codes: list[str], ctx: FilterContext) -> ColumnElement[bool]:
    return Person.gender.in_(codes)


@clause("registration_status")
def _registration_status(codes: list[str], ctx: FilterContext) -> ColumnElement[bool]:
    return Person.registration_status.in_(codes)


@clause("birth_year")
def _birth_year(bounds: Mapping[str, int], ctx: FilterContext) -> ColumnElement[bool]:
    clauses = [Person.birth_year.is_not(None)]
    if "min" in bounds:
        clauses.append(Person.birth_year >= bounds["min"])
    if "max" in bounds:
        clauses.append(Person.birth_year <= bounds["max"])
    return and_(*clauses)


@clause("age")
def _age(bounds: Mapping[str, int], ctx: FilterContext) -> ColumnElement[bool]:
    # Voter files carry a birth year, rarely a date: age is the age reached this calendar year.
    year = ctx.today.year
    years = {}
    if "max" in bounds:
        years["min"] = year - bounds["max"]
    if "min" in bounds:
        years["max"] = year - bounds["min"]
    return _birth_year(years, ctx)


@clause("areas")
def _areas(area_ids: list[int], ctx: FilterContext) -> ColumnElement[bool]:
    return _overlaps(Person.area_ids, area_ids)


@clause("precinct_codes")
def _precinct_codes(codes: list[str], ctx: FilterContext) -> ColumnElement[bool]:
    # The registrar's precinct (on a registration still on the file), not a drawn boundary:
    # it holds for people whose address has no point; boundaries are what "areas" is for.
    return exists().where(
        Registration.person_id == Person.id,
        Registration.on_file.is_(True),
        Registration.precinct_code.in_(codes),
    )


@clause("polygon")
def _polygon(geometry: Mapping[str, Any], ctx: FilterContext) -> ColumnElement[bool]:
    polygon = shape(geometry)
    point_test = Person.location.ST_Intersects(to_db(polygon))
    cells = cover(polygon)
    if cells is None or not cells.inside:  # too large, or within a cell: over the GiST index
        return point_test
    # The people in the cells the polygon touches (a btree read, not its bounding box); only
    # those in cells on its boundary need the point test.
    return and_(
        Person.cell == any_(_int_array(cells.touched, BigInteger)),
        or_(Person.cell == any_(_int_array(cells.inside, BigInteger)), point_test),
    )


def vote_count_bounds(spec: Mapping[str, Any]) -> tuple[int, int | None]:
    """(min, max) elections voted in; min defaults to 1, or to 0 when only max is given."""
    low = spec.get("min", 0 if "max" in spec else 1)
    return low, spec.get("max")


@clause("vote_history")
def _vote_history(spec: Mapping[str, Any], ctx: FilterContext) -> ColumnElement[bool]:
    methods = spec.get("methods") or list(VOTE_METHOD_CODES)
    codes = [
        election * VOTE_CODE_SLOTS + VOTE_METHOD_CODES[method]
        for election in spec["elections"]
        for method in methods
    ]
    low, high = vote_count_bounds(spec)
    party = spec.get("ballot_party")
    if party:
        counted = _ballot_party_elections(spec["elections"], methods, party)
    else:
        counted = func.icount(Person.vote_codes.op("&")(_int_array(codes)))
    clauses = []
    if low >= 1:
        # Implied by min >= 1; said outright as a cheap overlap test that runs before counting.
        clauses.append(_overlaps(Person.vote_codes, codes))
    if low > 1 or (low == 1 and party):
        clauses.append(counted >= low)
    if high is not None:
        clauses.append(counted <= high)
    return and_(true(), *clauses)


def _ballot_party_elections(elections: list[int], methods: list[str], party: str):
    """How many of ``elections`` the person voted in with ``party``'s ballot (primaries)."""
    return (
        select(func.count(distinct(Vote.election_id)))
        .join(Registration, Registration.id == Vote.registration_id)
        .where(
            Registration.person_id == Person.id,
            Vote.election_id.in_(elections),
            Vote.method.in_([str(method) for method in methods]),
            Vote.ballot_party == party,
        )
        .scalar_subquery()
    )


@clause("tags")
def _tags(spec: Mapping[str, list[str]], ctx: FilterContext) -> ColumnElement[bool]:
    clauses = []
    if spec.get("any"):
        clauses.append(Person.tags.overlap(spec["any"]))
    if spec.get("all"):
        clauses.append(Person.tags.contains(spec["all"]))
    if spec.get("none"):
        clauses.append(~Person.tags.overlap(spec["none"]))
    return and_(true(), *clauses)


@clause("survey")
def _survey(specs: list[Mapping[str, Any]], ctx: FilterContext) -> ColumnElement[bool]:
    # The latest answer per person to the question (later days win; history is kept).
    clauses = []
    for spec in specs:
        latest = (
            select(SurveyAnswer.person_id, SurveyAnswer.answer)
            .where(SurveyAnswer.question == spec["question"])
            .ext(distinct_on(SurveyAnswer.person_id))
            .order_by(
                SurveyAnswer.person_id, SurveyAnswer.answered_at.desc(), SurveyAnswer.id.desc()
            )
            .subquery()
        )
        clauses.append(
            Person.id.in_(select(latest.c.person_id).where(latest.c.answer.in_(spec["answers"])))
        )
    return and_(*clauses)


@clause("contact")
def _contact(spec: Mapping[str, Any], ctx: FilterContext) -> ColumnElement[bool]:
    attempts = [
        Interaction.person_id == Person.id,
        Interaction.kind.in_(CONTACT_KINDS),
        Interaction.voided_at.is_(None),
    ]
    if spec.get("within_days"):
        attempts.append(Interaction.occurred_at > ctx.now - timedelta(days=spec["within_days"]))
    clauses = []
    status = spec.get("status")
    if status == "knocked":
        clauses.append(exists().where(*attempts, Interaction.kind == InteractionKind.DOOR_KNOCK))
    elif status == "contacted":
        clauses.append(exists().where(*attempts))
    elif status == "not_contacted":
        clauses.append(~exists().where(*attempts))
    if spec.get("last_result"):
        latest = (
            select(Interaction.result)
            .where(*attempts)
            .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        clauses.append(latest.in_(spec["last_result"]))
    return and_(true(), *clauses)


@clause("calls")
def _calls(spec: Mapping[str, Any], ctx: FilterContext) -> ColumnElement[bool]:
    """Between ``min`` and ``max`` live calls, of the ``results`` listed (any when absent), in
    the last ``within_days`` days: the phone channel of ``history``."""
    return history_clause({**spec, "channel": HistoryChannel.PHONE.value}, ctx.now)


@clause("history")
def _history(specs: list[Mapping[str, Any]], ctx: FilterContext) -> ColumnElement[bool]:
    """Contact history on any channel (app.universes.history): every condition holds."""
    return and_(*(history_clause(spec, ctx.now) for spec in specs))


@clause("donor")
def _donor(spec: Mapping[str, Any], ctx: FilterContext) -> ColumnElement[bool]:
    return donor_clause(spec, ctx.today)


@clause("email_engagement")
def _email_engagement(spec: Mapping[str, Any], ctx: FilterContext) -> ColumnElement[bool]:
    """Email campaigns write ``sent`` and each engagement (``opened``, ``clicked`` ...) on the
    history with the campaign's id: "clicked the last two" is a click on each of the two
    latest emails sent; "never opened" is an email sent and no open of any."""
    emails = [Interaction.kind == InteractionKind.EMAIL, Interaction.voided_at.is_(None)]
    sent = exists().where(Interaction.person_id == Person.id, Interaction.result == "sent",
                          *emails)  # fmt: skip
    if spec.get("never"):
        engaged = exists().where(Interaction.person_id == Person.id,
                                 Interaction.result == spec["event"], *emails)  # fmt: skip
        return and_(sent, ~engaged)
    campaign = Interaction.data["campaign_id"].astext
    latest = (
        select(campaign.label("campaign_id"))
        .where(Interaction.person_id == Person.id, Interaction.result == "sent", *emails)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(spec["last"])
        .correlate(Person)
        .subquery()
    )
    event = select(Interaction.id).where(
        Interaction.person_id == Person.id, Interaction.result == spec["event"], *emails,
        campaign == latest.c.campaign_id,
    ).correlate(Person, latest)  # fmt: skip
    with_event = select(func.count()).select_from(latest).where(event.exists()).scalar_subquery()
    return with_event == spec["last"]


@clause("people")
def _people(person_ids: list[int], ctx: FilterContext) -> ColumnElement[bool]:
    """A fixed set of people (a dashboard's number saved as a universe): one array value."""
    return Person.id == any_(_int_array(person_ids, BigInteger))

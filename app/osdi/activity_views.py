"""OSDI endpoints of what people do: questions, answers, scripts, canvassing efforts and
canvasses; events and attendances; fundraising pages and donations; the helpers that record
each. On the blueprint of ``app.osdi.views``."""

from __future__ import annotations

from sqlalchemy import select

from app.apikeys.access import require_scope
from app.apikeys.models import ApiScope
from app.extensions import db
from app.osdi import queries, recording
from app.osdi import representations as osdi
from app.osdi.http import (
    base_url,
    blp,
    body,
    collection,
    created,
    hal,
    key_actor,
    key_org,
    not_found,
    page,
    paged,
    posted,
    resource,
    where_filter,
)
from app.osdi.operations import save_person
from app.osdi.queries import (
    CANVASS_FIELDS,
    EVENT_FIELDS,
    Event,
    Interaction,
    Question,
    Script,
    Signup,
    WalkList,
)
from app.people.models import SurveyAnswer

CANVASSING_READ, CANVASSING_WRITE = ApiScope.CANVASSING_READ, ApiScope.CANVASSING_WRITE
EVENTS_READ, EVENTS_WRITE = ApiScope.EVENTS_READ, ApiScope.EVENTS_WRITE
DONATIONS_READ, DONATIONS_WRITE = ApiScope.DONATIONS_READ, ApiScope.DONATIONS_WRITE


# ---- questions, answers, scripts ----


@blp.route("/questions", methods=["GET"])
@require_scope(CANVASSING_READ)
@paged
@collection
def questions(args):
    """The questions of the campaign's scripts."""
    rows = queries.page_rows(queries.questions(key_org()), args, Question.id)
    return page("questions", rows, args, lambda q: osdi.question_resource(q, base_url()))


@blp.route("/questions/<id:question_id>", methods=["GET"])
@require_scope(CANVASSING_READ)
@resource
def question(question_id):
    """One question."""
    found = queries.get_one(queries.questions(key_org()), Question, question_id, "question")
    return hal(osdi.question_resource(found, base_url()))


def _answers(stmt, args, question_id=None):
    stmt = stmt.join(queries.Person, queries.Person.id == SurveyAnswer.person_id).where(
        SurveyAnswer.organization_id == key_org(), queries.is_listable()
    )
    rows = queries.page_rows(stmt, args, SurveyAnswer.id)
    render = lambda a: osdi.answer_resource(a, base_url(), question_id=question_id)  # noqa: E731
    return page("answers", rows, args, render, people=True)


@blp.route("/questions/<id:question_id>/answers", methods=["GET"])
@require_scope(CANVASSING_READ)
@paged
@collection
def question_answers(args, question_id):
    """The answers given to the question (its key), latest per day."""
    found = queries.get_one(queries.questions(key_org()), Question, question_id, "question")
    stmt = select(SurveyAnswer).where(SurveyAnswer.question == found.key)
    return _answers(stmt, args, question_id)


@blp.route("/people/<id:person_id>/answers", methods=["GET"])
@require_scope(CANVASSING_READ)
@paged
@collection
def person_answers(args, person_id):
    """The person's answers."""
    queries.get_person(key_org(), person_id)
    return _answers(select(SurveyAnswer).where(SurveyAnswer.person_id == person_id), args)


@blp.route("/answers/<id:answer_id>", methods=["GET"])
@require_scope(CANVASSING_READ)
@resource
def answer(answer_id):
    """One answer."""
    found = db.session.get(SurveyAnswer, answer_id)
    if found is None or found.organization_id != key_org():
        not_found("answer")
    queries.get_person(key_org(), found.person_id)  # a confidential person's: not there
    return hal(osdi.answer_resource(found, base_url(), question_id=None))


@blp.route("/scripts", methods=["GET"])
@require_scope(CANVASSING_READ)
@paged
@collection
def scripts(args):
    """The canvass scripts, with their questions in order."""
    rows = queries.page_rows(queries.scripts(key_org()), args, Script.id)
    return page("scripts", rows, args, lambda s: osdi.script_resource(s, base_url()))


@blp.route("/scripts/<id:script_id>", methods=["GET"])
@require_scope(CANVASSING_READ)
@resource
def script(script_id):
    """One script."""
    found = queries.get_one(queries.scripts(key_org()), Script, script_id, "script")
    return hal(osdi.script_resource(found, base_url()))


# ---- canvassing efforts and canvasses ----


@blp.route("/canvassing_efforts", methods=["GET"])
@require_scope(CANVASSING_READ)
@paged
@collection
def canvassing_efforts(args):
    """Walk lists, as canvassing efforts."""
    rows = queries.page_rows(queries.walk_lists(key_org()), args, WalkList.id)
    render = lambda w: osdi.canvassing_effort_resource(w, base_url())  # noqa: E731
    return page("canvassing_efforts", rows, args, render)


@blp.route("/canvassing_efforts/<id:effort_id>", methods=["GET"])
@require_scope(CANVASSING_READ)
@resource
def canvassing_effort(effort_id):
    """One walk list."""
    found = queries.get_one(queries.walk_lists(key_org()), WalkList, effort_id, "canvassing effort")
    return hal(osdi.canvassing_effort_resource(found, base_url()))


def _canvasses(stmt, args):
    rows = queries.page_rows(where_filter(stmt, args, CANVASS_FIELDS), args, Interaction.id)
    return page(
        "canvasses",
        rows,
        args,
        lambda k: osdi.canvass_resource(k, base_url()),
        people=True,
        filtered=True,
    )


@blp.route("/canvassing_efforts/<id:effort_id>/canvasses", methods=["GET"])
@require_scope(CANVASSING_READ)
@paged
@collection
def effort_canvasses(args, effort_id):
    """The doors knocked from the walk list (filter: action_date, modified_date, status_code)."""
    queries.get_one(queries.walk_lists(key_org()), WalkList, effort_id, "canvassing effort")
    list_id = Interaction.data["walk_list_id"].astext == str(effort_id)
    return _canvasses(queries.canvasses(key_org()).where(list_id), args)


@blp.route("/people/<id:person_id>/canvasses", methods=["GET"])
@require_scope(CANVASSING_READ)
@paged
@collection
def person_canvasses(args, person_id):
    """The person's door knocks."""
    queries.get_person(key_org(), person_id)
    return _canvasses(queries.canvasses(key_org()).where(Interaction.person_id == person_id), args)


@blp.route("/canvasses/<id:canvass_id>", methods=["GET"])
@require_scope(CANVASSING_READ)
@resource
def canvass(canvass_id):
    """One door knock."""
    found = queries.get_one(queries.canvasses(key_org()), Interaction, canvass_id, "canvass")
    return hal(osdi.canvass_resource(found, base_url()))


@blp.route("/people/<id:person_id>/record_canvass_helper", methods=["POST"])
@require_scope(CANVASSING_WRITE)
@posted
@created
def record_canvass_helper(_data, person_id):
    """A canvass of the person with its answers and tags, applied once per the identifier
    the client gives (``canvass.identifiers``): a retry answers 200 with the first one."""
    person = queries.get_person(key_org(), person_id)
    knock, new = recording.record_canvass(key_org(), person, body())
    return hal(osdi.canvass_resource(knock, base_url()), 201 if new else 200)


# ---- events and attendances ----


@blp.route("/events", methods=["GET"])
@require_scope(EVENTS_READ)
@paged
@collection
def events(args):
    """The campaign's events (filter: title, created_date, modified_date)."""
    stmt = where_filter(queries.events(key_org()), args, EVENT_FIELDS)
    rows = queries.page_rows(stmt, args, Event.id)
    render = lambda e: osdi.event_resource(e, base_url())  # noqa: E731
    return page("events", rows, args, render, filtered=True)


@blp.route("/events", methods=["POST"])
@require_scope(EVENTS_WRITE)
@posted
@created
def create_event(_data):
    """An event: title, description, start_date, end_date, location (one shift)."""
    event = recording.create_osdi_event(key_actor(), body())
    return hal(osdi.event_resource(event, base_url()), 201)


def _event(event_id: int) -> Event:
    return queries.get_one(queries.events(key_org()), Event, event_id, "event")


@blp.route("/events/<id:event_id>", methods=["GET"])
@require_scope(EVENTS_READ)
@resource
def event(event_id):
    """One event."""
    return hal(osdi.event_resource(_event(event_id), base_url()))


def _attendances(stmt, args):
    rows = queries.page_rows(stmt, args, Signup.id)

    def render(row):
        return osdi.attendance_resource(row[0], row[1], base_url(), attended=row[2])

    return page("attendances", rows, args, render, people=True)


@blp.route("/events/<id:event_id>/attendances", methods=["GET"])
@require_scope(EVENTS_READ)
@paged
@collection
def attendances(args, event_id):
    """Sign-ups for the event's shifts; ``attended`` once checked in."""
    _event(event_id)
    return _attendances(queries.signups(key_org()).where(queries.Shift.event_id == event_id), args)


@blp.route("/people/<id:person_id>/attendances", methods=["GET"])
@require_scope(EVENTS_READ)
@paged
@collection
def person_attendances(args, person_id):
    """The person's sign-ups."""
    queries.get_person(key_org(), person_id)
    return _attendances(queries.signups(key_org()).where(Signup.person_id == person_id), args)


@blp.route("/events/<id:event_id>/attendances/<id:attendance_id>", methods=["GET"])
@require_scope(EVENTS_READ)
@resource
def attendance(event_id, attendance_id):
    """One sign-up."""
    stmt = queries.signups(key_org()).where(
        queries.Shift.event_id == event_id, Signup.id == attendance_id
    )
    row = db.session.execute(stmt).first()
    if row is None:
        not_found("attendance")
    return hal(osdi.attendance_resource(row[0], row[1], base_url(), attended=row[2]))


@blp.route("/events/<id:event_id>/record_attendance_helper", methods=["POST"])
@require_scope(EVENTS_WRITE)
@posted
@created
def record_attendance_helper(_data, event_id):
    """Match or add the person, sign them up for the next shift (or ``shift_id``); checked in
    too with ``"attended": true``."""
    found = _event(event_id)
    data = body()
    person_body = data.get("person") if isinstance(data.get("person"), dict) else {}
    person, _ = save_person(key_org(), person_body, add_tags=data.get("add_tags"))
    signup, _ = recording.record_attendance(found, person, data)
    checked = (
        db.session.scalar(select(queries.CheckIn.id).where(queries.CheckIn.signup_id == signup.id))
        is not None
    )
    return hal(osdi.attendance_resource(signup, event_id, base_url(), attended=checked), 201)


from app.osdi import money_views  # noqa: E402, F401 - registers the money routes

"""People endpoints: search, profile, edit, timeline, notes, merge, consent history."""

from datetime import UTC, datetime

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema

from app.audit.reads import record_bulk_read
from app.auth.access import (
    check_browse,
    current_actor,
    current_user,
    hidden_person_fields,
    public,
    require,
)
from app.auth.permissions import Permission
from app.core.pagination import page_schema
from app.people import confirmations, consent, operations, queries
from app.people.merging import merge_people
from app.people.schemas import (
    ConsentRecordSchema,
    ContactConfirmationSchema,
    InteractionListArgsSchema,
    InteractionSchema,
    MergeSchema,
    NoteCreateSchema,
    PersonCreateSchema,
    PersonListArgsSchema,
    PersonProfileSchema,
    PersonSchema,
    PersonSummarySchema,
    PersonUpdateSchema,
)

blp = Blueprint(
    "people", __name__, url_prefix="/api/v1", description="People: voters, volunteers, donors"
)


def _shown(
    schema: type[Schema], obj, *, prefix: str = "", item: type[Schema] | None = None, status=200
) -> Response:
    """``obj`` dumped through ``schema`` less the fields the caller's role is not shown
    (``HIDDEN_PERSON_FIELDS``); ``item`` and ``prefix`` name a page's person schema."""
    declared = (item or schema)._declared_fields
    hidden = [prefix + name for name in hidden_person_fields(current_user()) if name in declared]
    response = jsonify(schema(exclude=hidden).dump(obj))
    response.status_code = status
    return response


def _person(obj, status: int = 200) -> Response:
    return _shown(PersonSchema, obj, status=status)


def _profile(obj) -> Response:
    return _shown(PersonProfileSchema, obj)


@blp.route("/people")
class PeopleView(MethodView):
    @require(Permission.PEOPLE_READ)
    @blp.arguments(PersonListArgsSchema, location="query")
    @blp.response(200, page_schema(PersonSummarySchema))
    def get(self, args):
        """Search people by name prefix, registration key, email, phone or household. A role
        reads as far into one search as its browse limit; paging is audited."""
        user = current_user()
        check_browse(user, args)
        page = queries.list_people(user.organization_id, args)
        if page.page > 1 or page.pages > 1:  # a look-up is one page; more is a bulk read
            record_bulk_read("people.list", filter=args, rows=len(page.items),
                             entity_type="people", total=page.total)  # fmt: skip
        return _shown(page_schema(PersonSummarySchema), page, prefix="items.",
                      item=PersonSummarySchema)  # fmt: skip

    @require(Permission.PEOPLE_EDIT)
    @blp.arguments(PersonCreateSchema)
    @blp.response(201, PersonSchema)
    def post(self, body):
        """Add a person who is not on the voter file (a volunteer, a donor)."""
        return _person(operations.create_person(current_user().organization_id, body), 201)


@blp.route("/people/<id:person_id>")
class PersonView(MethodView):
    @require(Permission.PEOPLE_READ)
    @blp.response(200, PersonProfileSchema)
    def get(self, person_id):
        """The profile; a merged-away person answers with ``merged_into_id`` set."""
        return _profile(queries.get_profile(current_user().organization_id, person_id))

    @require(Permission.PEOPLE_EDIT)
    @blp.arguments(PersonUpdateSchema, required=False)
    @blp.response(200, PersonSchema)
    def patch(self, changes, person_id):
        """Edit names, birth, tags, custom fields, suppressions, emails and phones."""
        person = queries.get_person(current_user().organization_id, person_id)
        return _person(operations.update_person(person, changes))


@blp.route("/people/<id:person_id>/interactions")
class InteractionsView(MethodView):
    @require(Permission.PEOPLE_READ)
    @blp.arguments(InteractionListArgsSchema, location="query")
    @blp.response(200, page_schema(InteractionSchema))
    def get(self, args, person_id):
        """The person's timeline, newest first; filter by kind."""
        return queries.list_interactions(current_user().organization_id, person_id, args)

    @require(Permission.PEOPLE_EDIT)
    @blp.arguments(NoteCreateSchema)
    @blp.response(201, InteractionSchema)
    def post(self, body, person_id):
        """Write a note; on a merged-away person it lands on the one it was merged into."""
        actor = current_actor()
        person = queries.get_person(actor.organization_id, person_id)
        return operations.add_note(
            actor, person, body["summary"], body.get("occurred_at"), body.get("answers")
        )


@blp.route("/people/<id:person_id>/merge", methods=["POST"])
@require(Permission.PEOPLE_MERGE)
@blp.arguments(MergeSchema)
@blp.response(200, PersonProfileSchema)
def merge_person(body, person_id):
    """Merge another record of this person into this one; both histories are kept."""
    actor = current_actor()
    kept = queries.get_person(actor.organization_id, person_id)
    other = queries.get_person(actor.organization_id, body["other_id"], field="other_id")
    merge_people(actor, kept, other)
    return _profile(queries.get_profile(actor.organization_id, kept.id))


@blp.route("/people/<id:person_id>/consent", methods=["GET"])
@require(Permission.PEOPLE_READ)
@blp.response(200, ConsentRecordSchema(many=True))
def consent_history(person_id):
    """Every consent decision of the person, newest first: channel, purpose, yes or no, the
    address or number, where it came from, the words shown, who recorded it, when."""
    person = queries.get_person(current_user().organization_id, person_id)
    return consent.consent_history(person.id)


def _held_row(held) -> dict:
    now = datetime.now(UTC)
    status = ("confirmed" if held.confirmed_at else "expired" if held.expires_at <= now
              else "waiting")  # fmt: skip
    return {"collection": held.collection, "value": held.value, "status": status,
            "expires_at": held.expires_at}  # fmt: skip


@blp.route("/public/contact-confirmations/<token>", methods=["GET"])
@public
@blp.response(200, ContactConfirmationSchema)
def contact_confirmation(token):
    """A new email or phone held until its person confirms it, by the token in the link sent
    to the contact they already have."""
    return _held_row(confirmations.held_by_token(token))


@blp.route("/public/contact-confirmations/<token>/confirm", methods=["POST"])
@public
@blp.response(200, ContactConfirmationSchema)
def confirm_contact(token):
    """Confirm it: the contact is written to the person's record with the consent the form
    ticked (410 confirmation_expired after 7 days)."""
    held = confirmations.held_by_token(token)
    return _held_row(confirmations.confirm_contact(held, datetime.now(UTC)))

"""Universe endpoints: ad hoc counts, saved universes, their people and their export."""

from flask import Response, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint

from app.audit.reads import record_bulk_read
from app.auth.access import check_browse, current_actor, current_user, require
from app.auth.permissions import Permission
from app.core.pagination import page_schema
from app.universes import operations, queries
from app.universes.schemas import (
    UniverseCountSchema,
    UniverseCreateSchema,
    UniverseListArgsSchema,
    UniversePeopleArgsSchema,
    UniversePersonSchema,
    UniverseQuerySchema,
    UniverseSchema,
    UniverseUpdateSchema,
)

blp = Blueprint(
    "universes", __name__, url_prefix="/api/v1", description="Universes (saved voter searches)"
)


def _universe(universe_id: int):
    user = current_user()
    return queries.get_universe(user.organization_id, user.id, universe_id)


@blp.route("/universes/count", methods=["POST"])
@require(Permission.UNIVERSES_READ)
@blp.arguments(UniverseQuerySchema, required=False)
@blp.response(200, UniverseCountSchema)
def count_filter(body):
    """Count a filter without saving it: people on the list, doors, targets."""
    search = queries.Search(current_user().organization_id, body["filter"], body["household_mode"])
    return queries.count_search(search)


@blp.route("/universes")
class UniversesView(MethodView):
    @require(Permission.UNIVERSES_READ)
    @blp.arguments(UniverseListArgsSchema, location="query")
    @blp.response(200, page_schema(UniverseSchema))
    def get(self, args):
        """The campaign's shared universes and your private ones."""
        user = current_user()
        return queries.list_universes(user.organization_id, user.id, args)

    @require(Permission.UNIVERSES_EDIT)
    @blp.arguments(UniverseCreateSchema)
    @blp.response(201, UniverseSchema)
    def post(self, body):
        """Save a filter as a universe (shared with the campaign unless is_shared is false)."""
        return operations.create_universe(current_actor(), **body)


@blp.route("/universes/<id:universe_id>")
class UniverseView(MethodView):
    @require(Permission.UNIVERSES_READ)
    @blp.response(200, UniverseSchema)
    def get(self, universe_id):
        """One universe."""
        return _universe(universe_id)

    @require(Permission.UNIVERSES_EDIT)
    @blp.arguments(UniverseUpdateSchema, required=False)
    @blp.response(200, UniverseSchema)
    def patch(self, changes, universe_id):
        """Rename, re-filter, change the household mode or sharing."""
        return operations.update_universe(_universe(universe_id), changes)

    @require(Permission.UNIVERSES_EDIT)
    @blp.response(204)
    def delete(self, universe_id):
        """Delete a universe (its people are untouched)."""
        operations.delete_universe(_universe(universe_id))


@blp.route("/universes/<id:universe_id>/count", methods=["GET"])
@require(Permission.UNIVERSES_READ)
@blp.response(200, UniverseCountSchema)
def count_universe(universe_id):
    """Run the universe and count it."""
    return queries.count_search(queries.Search.of(_universe(universe_id)))


@blp.route("/universes/<id:universe_id>/people", methods=["GET"])
@require(Permission.UNIVERSES_READ)
@blp.arguments(UniversePeopleArgsSchema, location="query")
@blp.response(200, page_schema(UniversePersonSchema))
def universe_people(args, universe_id):
    """A page of the universe's people with their door, in walking order by default. A role
    without the export reads as far as its browse limit (organizers: the first 500); every
    page is audited."""
    check_browse(current_user(), args)
    universe = _universe(universe_id)
    page = queries.page_search(queries.Search.of(universe), args)
    asked = {**args, "universe": universe.filter}
    record_bulk_read("universe.people", entity=universe, filter=asked, rows=len(page.items),
                     total=page.total)  # fmt: skip
    return page


@blp.route("/universes/<id:universe_id>/export.csv", methods=["GET"])
@require(Permission.UNIVERSES_EXPORT)
@blp.response(
    200,
    {"type": "string"},
    content_type="text/csv",
    description="The universe as CSV, in walking order (the export is audited)",
)
def export_universe(universe_id):
    """Download the universe as CSV."""
    universe = _universe(universe_id)
    lines = operations.export_universe(universe)
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="universe-{universe.id}.csv"'},
    )

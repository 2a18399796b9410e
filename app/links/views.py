"""Tracked-link endpoints: destinations (admins), links and their results (organisers and
directors); and the short link itself, ``/l/CODE``, on the public pages."""

from flask import Blueprint as PageBlueprint
from flask import abort
from flask_smorest import Blueprint

from app.auth.access import current_actor, current_user, require
from app.auth.permissions import Permission
from app.core.links import redirect_out
from app.core.pagination import page_schema
from app.links import operations, queries
from app.links.schemas import (
    DestinationCreateSchema,
    DestinationSchema,
    LinkArgsSchema,
    LinkCreateSchema,
    LinkUpdateSchema,
    TrackedLinkSchema,
)
from app.links.sources import Source, remember

blp = Blueprint("links", __name__, url_prefix="/api/v1", description="Tracked links")
pages = PageBlueprint("links_pages", __name__)


@blp.route("/link-destinations", methods=["GET"])
@require(Permission.LINKS_MANAGE)
@blp.response(200, DestinationSchema(many=True))
def list_destinations():
    """The pages off our site that links may lead to (set up by an admin)."""
    return queries.list_destinations(current_user().organization_id)


@blp.route("/link-destinations", methods=["POST"])
@require(Permission.LINK_DESTINATIONS_MANAGE)
@blp.arguments(DestinationCreateSchema)
@blp.response(201, DestinationSchema)
def create_destination(body):
    """A page off our site (the donation page) that links and mail pieces may lead to."""
    return operations.create_destination(current_actor(), **body)


@blp.route("/links", methods=["GET"])
@require(Permission.LINKS_MANAGE)
@blp.arguments(LinkArgsSchema, location="query")
@blp.response(200, page_schema(TrackedLinkSchema))
def list_links(args):
    """The campaign's tracked links with their clicks, sign-ups and gifts, newest first."""
    return queries.list_links(current_user().organization_id, args)


@blp.route("/links", methods=["POST"])
@require(Permission.LINKS_MANAGE)
@blp.arguments(LinkCreateSchema)
@blp.response(201, TrackedLinkSchema)
def create_link(body):
    """A short link for a post, channel or ad: to a page of ours or an admin's destination."""
    actor = current_actor()
    link = operations.create_link(actor, body)
    return queries.with_results(actor.organization_id, [link])[0]


@blp.route("/links/<id:link_id>", methods=["GET"])
@require(Permission.LINKS_MANAGE)
@blp.response(200, TrackedLinkSchema)
def get_link(link_id):
    organization_id = current_user().organization_id
    return queries.with_results(organization_id, [queries.get_link(organization_id, link_id)])[0]


@blp.route("/links/<id:link_id>", methods=["PATCH"])
@require(Permission.LINKS_MANAGE)
@blp.arguments(LinkUpdateSchema)
@blp.response(200, TrackedLinkSchema)
def update_link(body, link_id):
    """Rename it, or turn it off (a link turned off goes to the campaign's home page)."""
    organization_id = current_user().organization_id
    link = operations.update_link(queries.get_link(organization_id, link_id), body)
    return queries.with_results(organization_id, [link])[0]


@pages.get("/l/<code>")
def follow(code: str):
    """A short link: counted (a number per day), remembered for the forms that follow (a
    signed first-party cookie), then on to its page. No third-party script, no profile."""
    if len(code) > 12 or not code.isalnum():
        abort(404)
    link = queries.link_by_code(code.upper())
    if link is None:
        abort(404)
    if not link.is_active:
        return redirect_out(operations.target_url("/", None, ""))
    operations.count_click(link)
    url = operations.target_url(link.path, link.destination, link.source_code)
    return remember(redirect_out(url), Source("l", link.id))

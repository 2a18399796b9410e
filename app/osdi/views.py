"""OSDI endpoints: the entry point, people, tags and taggings, lists and items. Canvassing,
events and money are in ``activity_views`` (on the same blueprint)."""

from __future__ import annotations

from app.apikeys.access import current_key, require_scope
from app.apikeys.models import ApiScope
from app.core.errors import ValidationError
from app.osdi import operations, queries
from app.osdi import representations as osdi
from app.osdi.hal import aep_resource
from app.osdi.http import (
    base_url,
    blp,
    body,
    checked_key,
    collection,
    collections_for,
    created,
    hal,
    key_org,
    linked_id,
    not_found,
    page,
    paged,
    posted,
    resource,
)
from app.osdi.representations import tag_name

READ_PEOPLE, WRITE_PEOPLE = ApiScope.PEOPLE_READ, ApiScope.PEOPLE_WRITE


def _person(person) -> dict:
    ids = queries.foreign_ids([person])
    return osdi.person_resource(person, base_url(), foreign_ids=ids[person.id])


@blp.route("/", endpoint="aep")
@require_scope(None)
@resource
def entry_point():
    """The API entry point (AEP): a link to each collection this key may read."""
    return hal(aep_resource(base_url(), collections_for(current_key().scopes)))


# ---- people ----


@blp.route("/people", methods=["GET"])
@require_scope(READ_PEOPLE)
@paged
@collection
def people(args):
    """People (never a confidential one); filter on given_name, family_name, email_address,
    phone_number, postal_code, created_date, modified_date."""
    rows = queries.people_rows(key_org(), args)
    ids = queries.foreign_ids(rows.items)
    render = lambda p: osdi.person_resource(p, base_url(), foreign_ids=ids[p.id])  # noqa: E731
    return page("people", rows, args, render, people=True, filtered=True)


def _signup(data: dict):
    person_body = data.get("person") if isinstance(data.get("person"), dict) else {}
    person, new = operations.save_person(
        key_org(), person_body, add_tags=data.get("add_tags"), remove_tags=data.get("remove_tags")
    )
    return hal(_person(person), 201 if new else 200)


@blp.route("/people", methods=["POST"])
@require_scope(WRITE_PEOPLE)
@posted
@created
def create_person(_data):
    """Match (email, then phone), create or update a person; ``add_tags``, ``remove_tags``.
    As Action Network's POST /people: the person signup helper's body."""
    return _signup(body())


@blp.route("/people/person_signup_helper", methods=["POST"])
@require_scope(WRITE_PEOPLE)
@posted
@created
def person_signup_helper(_data):
    """OSDI's person signup helper: match, create or update; tags added or removed."""
    return _signup(body())


@blp.route("/people/<id:person_id>", methods=["GET"])
@require_scope(READ_PEOPLE)
@resource
def person(person_id):
    """One person."""
    return hal(_person(queries.get_person(key_org(), person_id)))


@blp.route("/people/<id:person_id>", methods=["PUT"])
@require_scope(WRITE_PEOPLE)
@posted
@resource
def update_person(_data, person_id):
    """Change a person: the fields given (names, emails with status, phones, custom fields)."""
    found = queries.get_person(key_org(), person_id)
    data = body()
    person_body = data.get("person") if isinstance(data.get("person"), dict) else data
    person, _ = operations.save_person(key_org(), person_body, person=found)
    return hal(_person(person))


@blp.route("/people/<id:person_id>/taggings", methods=["GET"])
@require_scope(READ_PEOPLE)
@paged
@collection
def person_taggings(args, person_id):
    """The person's tags, as taggings."""
    found = queries.get_person(key_org(), person_id)
    names = sorted(found.tags)
    start = (args["page"] - 1) * args["per_page"]
    rows = queries.Rows(names[start : start + args["per_page"]], len(names))
    return page("taggings", rows, args, lambda n: osdi.tagging_resource(n, found, base_url()))


# ---- tags and taggings ----


@blp.route("/tags", methods=["GET"])
@require_scope(READ_PEOPLE)
@paged
@collection
def tags(args):
    """Every tag a person of the campaign has (a tag is a name on people)."""
    rows = queries.tag_rows(key_org(), args)
    return page("tags", rows, args, lambda name: osdi.tag_resource(name, base_url()))


@blp.route("/tags", methods=["POST"])
@require_scope(WRITE_PEOPLE)
@posted
@created
def create_tag(_data):
    """A tag by name: it is listed once a person has it (tag them through its taggings)."""
    name = body().get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ValidationError("Name the tag (100 characters).", fields={"name": ["Required."]})
    return hal(osdi.tag_resource(" ".join(name.split()), base_url()), 201)


def _tag(tag_id: str) -> str:
    name = tag_name(checked_key(tag_id, "tag"))
    if name is None:
        not_found("tag")
    return name


@blp.route("/tags/<string:tag_id>", methods=["GET"])
@require_scope(READ_PEOPLE)
@resource
def tag(tag_id):
    """One tag."""
    name = _tag(tag_id)
    if not queries.tag_exists(key_org(), name):
        not_found("tag")
    return hal(osdi.tag_resource(name, base_url()))


@blp.route("/tags/<string:tag_id>/taggings", methods=["GET"])
@require_scope(READ_PEOPLE)
@paged
@collection
def taggings(args, tag_id):
    """The people who have the tag (filter as people)."""
    name = _tag(tag_id)
    rows = queries.tagged_rows(key_org(), name, args)
    return page(
        "taggings",
        rows,
        args,
        lambda p: osdi.tagging_resource(name, p, base_url()),
        people=True,
        filtered=True,
    )


@blp.route("/tags/<string:tag_id>/taggings", methods=["POST"])
@require_scope(WRITE_PEOPLE)
@posted
@created
def create_tagging(_data, tag_id):
    """Tag a person: ``{"_links": {"osdi:person": {"href": ".../people/ID"}}}``."""
    name = _tag(tag_id)
    links = body().get("_links")
    target = links.get("osdi:person") if isinstance(links, dict) else None
    person_id = linked_id(target, "people", "_links.osdi:person")
    person = operations.tag_person(queries.get_person(key_org(), person_id), name, on=True)
    return hal(osdi.tagging_resource(name, person, base_url()), 201)


@blp.route("/tags/<string:tag_id>/taggings/<id:person_id>", methods=["GET"])
@require_scope(READ_PEOPLE)
@resource
def tagging(tag_id, person_id):
    """One tagging (its id is the person's)."""
    name = _tag(tag_id)
    person = queries.get_person(key_org(), person_id)
    if name.casefold() not in {t.casefold() for t in person.tags}:
        not_found("tagging")
    return hal(osdi.tagging_resource(name, person, base_url()))


@blp.route("/tags/<string:tag_id>/taggings/<id:person_id>", methods=["DELETE"])
@require_scope(WRITE_PEOPLE)
@resource
def delete_tagging(tag_id, person_id):
    """Take the tag off the person."""
    name = _tag(tag_id)
    operations.tag_person(queries.get_person(key_org(), person_id), name, on=False)
    return hal({"notice": "This tagging was successfully deleted."})


# ---- lists and items (universes) ----


@blp.route("/lists", methods=["GET"])
@require_scope(READ_PEOPLE)
@paged
@collection
def lists(args):
    """The campaign's shared universes, as lists."""
    rows = queries.page_rows(queries.shared_universes(key_org()), args, queries.Universe.id)
    return page("lists", rows, args, lambda u: osdi.list_resource(u, base_url()))


@blp.route("/lists/<id:list_id>", methods=["GET"])
@require_scope(READ_PEOPLE)
@resource
def list_(list_id):
    """One list."""
    return hal(osdi.list_resource(queries.get_universe(key_org(), list_id), base_url()))


@blp.route("/lists/<id:list_id>/items", methods=["GET"])
@require_scope(READ_PEOPLE)
@paged
@collection
def items(args, list_id):
    """The people on the list now (the universe found again)."""
    universe = queries.get_universe(key_org(), list_id)
    rows = queries.item_rows(universe, args)
    return page(
        "items", rows, args, lambda p: osdi.item_resource(list_id, p, base_url()), people=True
    )


@blp.route("/lists/<id:list_id>/items/<id:person_id>", methods=["GET"])
@require_scope(READ_PEOPLE)
@resource
def item(list_id, person_id):
    """One person of the list."""
    universe = queries.get_universe(key_org(), list_id)
    stmt = queries.Search.of(universe).people().where(queries.Person.id == person_id)
    person = queries.db.session.scalar(stmt)
    if person is None:
        not_found("item")
    return hal(osdi.item_resource(list_id, person, base_url()))


from app.osdi import activity_views  # noqa: E402, F401 - registers the rest on blp

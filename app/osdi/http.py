"""What every OSDI endpoint shares: the blueprint, HAL+JSON answers, paging, the body."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

import marshmallow as ma
from flask import Response, json, request
from flask_smorest import Blueprint
from sqlalchemy import Select

from app.apikeys.access import current_key
from app.apikeys.operations import actor_label
from app.audit.reads import record_bulk_read
from app.core.actor import Actor
from app.core.errors import DoorstepError, NotFound, ValidationError
from app.osdi.filters import BadFilter, Field, compile_filter
from app.osdi.hal import collection_page
from app.osdi.queries import Rows

blp = Blueprint(
    "osdi",
    __name__,
    url_prefix="/api/osdi/v1",
    description="OSDI 1.2 (Action Network's dialect): people, tags, lists, canvassing, events "
    "and money, for integrations holding an API key (docs/open-api.md)",
)

HAL = "application/hal+json"
MAX_PER_PAGE = 100
_KEY = re.compile(r"^[0-9a-f]{2,400}$")


class OsdiPageArgsSchema(ma.Schema):
    """A collection's query: OSDI's paging and filter. Other parameters (Action Network's
    ``background_processing``) are ignored, as OSDI asks of servers."""

    class Meta:
        unknown = ma.EXCLUDE

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    per_page = ma.fields.Integer(
        load_default=25, validate=ma.validate.Range(min=1, max=MAX_PER_PAGE)
    )
    filter = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=500),
        metadata={"description": "OData: modified_date gt '2014-03-25' and family_name eq 'X'"},
    )


class OsdiResourceSchema(ma.Schema):
    """One OSDI resource (HAL): its fields are in the OSDI documents."""

    class Meta:
        unknown = ma.INCLUDE

    identifiers = ma.fields.List(ma.fields.String())
    created_date = ma.fields.String(allow_none=True)
    modified_date = ma.fields.String(allow_none=True)
    _links = ma.fields.Dict(data_key="_links")


class OsdiCollectionSchema(ma.Schema):
    """A page of a collection: ``_embedded["osdi:NAME"]`` holds the resources."""

    class Meta:
        unknown = ma.INCLUDE

    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total_pages = ma.fields.Integer()
    total_records = ma.fields.Integer()
    _links = ma.fields.Dict(data_key="_links")
    _embedded = ma.fields.Dict(data_key="_embedded")


class OsdiBodySchema(ma.Schema):
    """An OSDI request body (its fields are in the OSDI documents; unknown ones ignored)."""

    class Meta:
        unknown = ma.INCLUDE


#: The decorators of every OSDI route: what it answers, and the query or body it reads.
resource = blp.response(200, OsdiResourceSchema, content_type=HAL)
created = blp.response(201, OsdiResourceSchema, content_type=HAL)
collection = blp.response(200, OsdiCollectionSchema, content_type=HAL)
paged = blp.arguments(OsdiPageArgsSchema, location="query")
posted = blp.arguments(OsdiBodySchema, location="json")


def key_org() -> int:
    """The campaign of the request's API key."""
    return current_key().organization_id


def key_actor() -> Actor:
    """The request's API key as the actor operations take (no user row)."""
    return Actor.system(key_org(), actor_label(current_key()))


def where_filter(stmt: Select, args: dict[str, Any], fields: dict[str, Field]) -> Select:
    """``stmt`` narrowed by the request's OData filter over ``fields``."""
    clause = compile_filter(args.get("filter"), fields)
    return stmt if clause is None else stmt.where(clause)


def base_url() -> str:
    return f"{request.host_url}api/osdi/v1/"


def hal(body: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype=HAL)


def page(
    name: str,
    rows: Rows,
    args: dict[str, Any],
    render: Callable[[Any], dict],
    *,
    people: bool = False,
    filtered: bool = False,
) -> Response:
    """The HAL page of ``rows``; a page of people is a bulk read, audited. A ``filter`` on a
    collection that takes none is refused, not ignored (it would answer as if it matched)."""
    if args.get("filter") and not filtered:
        raise BadFilter(f"The {name} here take no filter.")
    items = [render(item) for item in rows.items]
    body = collection_page(
        name,
        request.base_url,
        items,
        page=args["page"],
        per_page=args["per_page"],
        total=rows.total,
        filter=args.get("filter"),
    )
    if people:
        record_bulk_read(
            "osdi.read", filter={"path": request.path, **args}, rows=len(items), collection=name
        )
    return hal(body)


def body() -> dict[str, Any]:
    """The JSON object sent (depth-limited by the app's JSON provider); 400 otherwise."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DoorstepError("Send a JSON object.", code="bad_body", fields={"body": ["Not JSON."]})
    if "\\u0000" in request.get_data(as_text=True) or _has_nul(data):
        raise ValidationError("Text may not hold NUL characters.", fields={"body": ["NUL."]})
    return data


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def not_found(what: str) -> NoReturn:
    raise NotFound(f"No such {what}.", code=f"{what.replace(' ', '_')}_not_found")


def checked_key(key: str, what: str) -> str:
    """A name-keyed resource's id (a tag, a fundraising page: the name in hex)."""
    if not _KEY.match(key) or len(key) % 2:
        not_found(what)
    return key


def linked_id(value: Any, collection: str, field: str) -> int:
    """The id at the end of an OSDI link to one of ``collection`` (a href or a HAL link)."""
    if isinstance(value, dict):
        value = value.get("href")
    text = str(value or "").rstrip("/")
    head, _, tail = text.rpartition("/")
    if not head.endswith(collection) or not tail.isdigit() or len(tail) > 18:
        raise ValidationError(
            f"Link a {collection[:-1] if collection.endswith('s') else collection}"
            f" by its href (…/{collection}/ID).",
            fields={field: ["Bad link."]},
        )
    return int(tail)


def collections_for(scopes: Iterable[str]) -> list[str]:
    """The collections a key with these scopes may read (the entry point's links)."""
    granted = set(scopes)
    out = []
    for scope, names in (
        ("people.read", ("people", "tags", "lists")),
        ("canvassing.read", ("questions", "scripts", "canvassing_efforts")),
        ("events.read", ("events",)),
        ("donations.read", ("fundraising_pages", "donations")),
    ):
        if scope in granted:
            out.extend(names)
    return out

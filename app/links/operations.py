"""Verbs on destinations, tracked links and their clicks; each writes its audit record and
leaves the commit to the caller."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from app.audit.operations import record_audit
from app.core.actor import Actor
from app.core.codes import new_code
from app.core.errors import Conflict, ValidationError
from app.core.links import is_own_path, public_url
from app.core.signals import form_submitted
from app.extensions import db
from app.links.models import (
    LinkClickDay,
    LinkDestination,
    LinkResponse,
    ResponseKind,
    TrackedLink,
)
from app.links.sources import credited
from app.people.models import Person


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host: what an admin may point links at."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
        raise ValidationError(
            "Give an http(s) address with a host.", code="bad_url", fields={"url": url[:200]}
        )
    return url


def create_destination(actor: Actor, *, name: str, url: str, refcode_param: str) -> LinkDestination:
    destination = LinkDestination(
        organization_id=actor.organization_id,
        name=name,
        url=check_url(url),
        refcode_param=refcode_param,
        created_by_id=actor.user_id,
    )
    db.session.add(destination)
    db.session.flush()
    record_audit("link_destinations.create", entity=destination, changes={"name": name, "url": url})
    return destination


def get_destination(organization_id: int, destination_id: int, *, field: str) -> LinkDestination:
    """The campaign's destination named in a request body (a 422 naming ``field`` if none)."""
    destination = db.session.get(LinkDestination, destination_id)
    if destination is None or destination.organization_id != organization_id:
        raise ValidationError(
            "No such destination.",
            code="destination_not_found",
            fields={field: ["No such destination."]},
        )
    return destination


def check_target(organization_id: int, path: str | None, destination_id: int | None):
    """Exactly one of a page of ours (a path) and an admin's destination."""
    if (path is None) == (destination_id is None):
        raise ValidationError(
            "Give a path on this site or a destination, not both.",
            code="target_required",
            fields={"path": path},
        )
    if path is not None and not is_own_path(path):
        raise ValidationError(
            "A path on this site starts with one /.", code="bad_path", fields={"path": path[:200]}
        )
    if destination_id is not None:
        get_destination(organization_id, destination_id, field="destination_id")


def create_link(actor: Actor, fields: dict[str, Any]) -> TrackedLink:
    organization_id = actor.organization_id
    check_target(organization_id, fields.get("path"), fields.get("destination_id"))
    taken = db.session.scalar(
        select(TrackedLink.id).where(
            TrackedLink.organization_id == organization_id,
            TrackedLink.source_code == fields["source_code"],
        )
    )
    if taken is not None:
        raise Conflict(
            "Another link has this source code.",
            code="source_code_taken",
            fields={"source_code": fields["source_code"]},
        )
    link = TrackedLink(
        organization_id=organization_id,
        code=new_code(TrackedLink.code),
        created_by_id=actor.user_id,
        **fields,
    )
    db.session.add(link)
    db.session.flush()
    record_audit("tracked_links.create", entity=link, changes=dict(fields))
    return link


def update_link(link: TrackedLink, changes: dict[str, Any]) -> TrackedLink:
    for key, value in changes.items():
        setattr(link, key, value)
    db.session.flush()
    record_audit("tracked_links.update", entity=link, changes=dict(changes))
    return link


def target_url(path: str | None, destination: LinkDestination | None, refcode: str) -> str:
    """Where a link or a piece sends its visitor: our page, or the admin's destination with
    the source code in its reference-code parameter (gifts come back carrying it)."""
    if destination is None:
        return public_url(path or "/")
    parts = urlsplit(destination.url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k != destination.refcode_param
    ]
    if destination.refcode_param:
        query.append((destination.refcode_param, refcode))
    return urlunsplit(parts._replace(query=urlencode(query)))


def count_click(link: TrackedLink, now: datetime | None = None) -> None:
    """One more click today (a row per link and day; nothing about who clicked)."""
    day = (now or datetime.now(UTC)).date()
    upsert = insert(LinkClickDay).values(link_id=link.id, day=day, clicks=1)
    db.session.execute(
        upsert.on_conflict_do_update(
            index_elements=[LinkClickDay.link_id, LinkClickDay.day],
            set_={"clicks": LinkClickDay.clicks + 1},
        )
    )


@form_submitted.connect
def credit_sources(person: Person, *, created: bool, **_: Any) -> None:
    """A public form sent after a tracked link: the link gets the sign-up."""
    link = credited("l", TrackedLink, person.organization_id)
    if link is None:
        return
    db.session.add(
        LinkResponse(
            organization_id=person.organization_id,
            kind=ResponseKind.SIGNUP,
            link_id=link.id,
            person_id=person.id,
        )
    )
    db.session.flush()

"""HAL's frame around OSDI resources: the entry point and a collection's page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from app.osdi.representations import ORIGIN, link

CURIES = [{"name": "osdi", "href": "http://opensupporter.org/docs/v1/{rel}", "templated": True}]


COLLECTIONS = {
    "people": "The collection of people in the system",
    "tags": "The collection of tags in the system",
    "lists": "The collection of lists (universes) in the system",
    "questions": "The collection of questions in the system",
    "scripts": "The collection of scripts in the system",
    "canvassing_efforts": "The collection of canvassing efforts (walk lists) in the system",
    "events": "The collection of events in the system",
    "fundraising_pages": "The collection of fundraising pages in the system",
    "donations": "The collection of donations in the system",
}


def aep_resource(base_url: str, collections: Iterable[str]) -> dict:
    """The entry point: a link to each collection the key may read, and the helpers."""
    links: dict[str, Any] = {"self": link(base_url), "curies": CURIES}
    for name in collections:
        links[f"osdi:{name}"] = {"href": f"{base_url}{name}", "title": COLLECTIONS[name]}
    if "people" in collections:
        links["osdi:person_signup_helper"] = {
            "href": f"{base_url}people/person_signup_helper",
            "title": "The person signup helper",
        }
    return {
        "motd": "Doorstep's OSDI API",
        "vendor_name": "Doorstep",
        "product_name": ORIGIN,
        "osdi_version": "1.2",
        "max_pagesize": 100,
        "namespace": "doorstep",
        "_links": links,
    }


def collection_page(
    name: str,
    self_url: str,
    items: list[dict],
    *,
    page: int,
    per_page: int,
    total: int,
    filter: str | None = None,
) -> dict:
    """A HAL page: ``_embedded["osdi:NAME"]`` always present (empty past the last page)."""
    pages = (total + per_page - 1) // per_page
    base = self_url.split("?")[0]
    kept = f"&{urlencode({'filter': filter})}" if filter else ""

    def at(n: int) -> dict[str, str]:
        return link(f"{base}?page={n}&per_page={per_page}{kept}")

    links: dict[str, Any] = {
        "self": at(page),
        "curies": CURIES,
        f"osdi:{name}": [item["_links"]["self"] for item in items],
    }
    if page < pages:
        links["next"] = at(page + 1)
    if page > 1:
        links["previous"] = at(min(page - 1, max(pages, 1)))
    return {
        "total_pages": pages,
        "per_page": per_page,
        "page": page,
        "total_records": total,
        "_links": links,
        "_embedded": {f"osdi:{name}": items},
    }

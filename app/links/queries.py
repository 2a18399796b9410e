"""Reads: tracked links with their results (clicks, sign-ups, gifts), and the gifts that came
back carrying a reference code (links' source codes, mail pieces' codes)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import BigInteger, String, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY

from app.core.errors import NotFound
from app.core.links import public_url
from app.core.pagination import Page, paginate
from app.donations.models import Donation, EntryKind
from app.extensions import db
from app.links.models import LinkClickDay, LinkDestination, LinkResponse, TrackedLink

LINK_SORTS = {"created_at": TrackedLink.created_at, "name": TrackedLink.name}


def get_link(organization_id: int, link_id: int) -> TrackedLink:
    link = db.session.get(TrackedLink, link_id) if link_id < 2**63 else None
    if link is None or link.organization_id != organization_id:
        raise NotFound("No such link.", code="link_not_found")
    return link


def link_by_code(code: str) -> TrackedLink | None:
    return db.session.scalar(select(TrackedLink).where(TrackedLink.code == code))


def short_url(link: TrackedLink) -> str:
    return public_url(f"/l/{link.code}")


def gifts_by_reference(organization_id: int, codes: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Reference code -> (contributions, cents) of the gifts that came back carrying it."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = db.session.execute(
        select(
            Donation.reference_code, func.count(), func.coalesce(func.sum(Donation.amount_cents), 0)
        )
        .where(
            Donation.organization_id == organization_id,
            Donation.kind == EntryKind.CONTRIBUTION,
            Donation.reference_code == func.any(bindparam("codes", wanted, type_=ARRAY(String))),
        )
        .group_by(Donation.reference_code)
    )
    return {code: (int(gifts), int(cents)) for code, gifts, cents in rows}


def _results(organization_id: int, links: list[TrackedLink]) -> dict[int, dict[str, int]]:
    ids = bindparam("ids", [link.id for link in links], type_=ARRAY(BigInteger))
    clicks = dict(
        db.session.execute(
            select(LinkClickDay.link_id, func.sum(LinkClickDay.clicks))
            .where(LinkClickDay.link_id == func.any(ids))
            .group_by(LinkClickDay.link_id)
        ).all()
    )
    signups = dict(
        db.session.execute(
            select(LinkResponse.link_id, func.count(func.distinct(LinkResponse.person_id)))
            .where(LinkResponse.link_id == func.any(ids))
            .group_by(LinkResponse.link_id)
        ).all()
    )
    gifts = gifts_by_reference(organization_id, [link.source_code for link in links])
    return {
        link.id: {
            "clicks": int(clicks.get(link.id, 0)),
            "signups": int(signups.get(link.id, 0)),
            "gifts": gifts.get(link.source_code, (0, 0))[0],
            "gift_cents": gifts.get(link.source_code, (0, 0))[1],
        }
        for link in links
    }


def with_results(organization_id: int, links: list[TrackedLink]) -> list[dict[str, Any]]:
    results = _results(organization_id, links) if links else {}
    return [{"link": link, "short_url": short_url(link), **results[link.id]} for link in links]


def list_links(organization_id: int, args: Mapping[str, Any]) -> Page:
    page = paginate(
        select(TrackedLink).where(TrackedLink.organization_id == organization_id),
        args,
        sortable=LINK_SORTS,
        default_order=[TrackedLink.created_at.desc(), TrackedLink.id.desc()],
    )
    page.items = with_results(organization_id, list(page.items))
    return page


def list_destinations(organization_id: int) -> list[LinkDestination]:
    return list(
        db.session.scalars(
            select(LinkDestination)
            .where(LinkDestination.organization_id == organization_id)
            .order_by(LinkDestination.name, LinkDestination.id)
            .limit(500)
        )
    )

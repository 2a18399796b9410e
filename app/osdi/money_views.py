"""OSDI endpoints of money: fundraising pages (the pages gifts came through, by name) and
donations, and the record donation helper. On the blueprint of ``app.osdi.views``."""

from __future__ import annotations

from app.apikeys.access import require_scope
from app.apikeys.models import ApiScope
from app.extensions import db
from app.osdi import queries, recording
from app.osdi import representations as osdi
from app.osdi.http import (
    base_url,
    blp,
    body,
    checked_key,
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
from app.osdi.queries import DONATION_FIELDS, Donation
from app.osdi.representations import tag_name

DONATIONS_READ, DONATIONS_WRITE = ApiScope.DONATIONS_READ, ApiScope.DONATIONS_WRITE


def _donations(stmt, args):
    rows = queries.page_rows(where_filter(stmt, args, DONATION_FIELDS), args, Donation.id)
    return page(
        "donations",
        rows,
        args,
        lambda d: osdi.donation_resource(d, base_url()),
        people=True,
        filtered=True,
    )


@blp.route("/donations", methods=["GET"])
@require_scope(DONATIONS_READ)
@paged
@collection
def donations(args):
    """Contributions (filter: action_date, created_date, modified_date)."""
    return _donations(queries.donations(key_org()), args)


@blp.route("/donations/<id:donation_id>", methods=["GET"])
@require_scope(DONATIONS_READ)
@resource
def donation(donation_id):
    """One contribution."""
    found = queries.get_one(queries.donations(key_org()), Donation, donation_id, "donation")
    return hal(osdi.donation_resource(found, base_url()))


@blp.route("/people/<id:person_id>/donations", methods=["GET"])
@require_scope(DONATIONS_READ)
@paged
@collection
def person_donations(args, person_id):
    """The person's contributions."""
    queries.get_person(key_org(), person_id)
    return _donations(queries.donations(key_org()).where(Donation.person_id == person_id), args)


def _page_name(page_id: str) -> str:
    name = tag_name(checked_key(page_id, "fundraising page"))
    if name is None:
        not_found("fundraising page")
    return name


@blp.route("/fundraising_pages", methods=["GET"])
@require_scope(DONATIONS_READ)
@paged
@collection
def fundraising_pages(args):
    """The pages gifts came through, with their counts and totals."""
    rows = queries.page_rows(queries.page_names(key_org()), args, Donation.page)
    render = lambda r: osdi.fundraising_page_resource(  # noqa: E731
        r[0], base_url(), total_donations=r[1], total_amount_cents=r[2]
    )
    return page("fundraising_pages", rows, args, render)


@blp.route("/fundraising_pages/<string:page_id>", methods=["GET"])
@require_scope(DONATIONS_READ)
@resource
def fundraising_page(page_id):
    """One fundraising page."""
    name = _page_name(page_id)
    row = db.session.execute(queries.page_names(key_org()).where(Donation.page == name)).first()
    if row is None:
        not_found("fundraising page")
    return hal(
        osdi.fundraising_page_resource(
            name, base_url(), total_donations=row[1], total_amount_cents=row[2]
        )
    )


@blp.route("/fundraising_pages/<string:page_id>/donations", methods=["GET"])
@require_scope(DONATIONS_READ)
@paged
@collection
def page_donations(args, page_id):
    """The contributions through the page."""
    name = _page_name(page_id)
    return _donations(queries.donations(key_org()).where(Donation.page == name), args)


@blp.route("/fundraising_pages/<string:page_id>/record_donation_helper", methods=["POST"])
@require_scope(DONATIONS_WRITE)
@posted
@created
def record_donation_helper(_data, page_id):
    """Match or add the donor and record their gift through the page (card), once per the
    client's identifier; the donation's limits, flags and thanks as for any gift."""
    name = _page_name(page_id)
    data = body()
    person_body = data.get("person") if isinstance(data.get("person"), dict) else {}
    person, _ = save_person(key_org(), person_body, add_tags=data.get("add_tags"))
    gift, new = recording.record_osdi_donation(key_actor(), name, person, data)
    return hal(osdi.donation_resource(gift, base_url()), 201 if new else 200)

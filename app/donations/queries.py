"""Reads of the money, always within one campaign, for those who may see amounts.

In lists (bulk reads) a donor is shown as the people room shows people, decided at read time:
a confidential person's name, address, employer and contact are withheld (``protected``), and
a deceased or do-not-contact donor's email and phone are left out. One donation read by its
id shows everything, as a person's profile does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from app.core.contact import normalise_email
from app.core.pagination import Page, paginate
from app.donations.corrections import remaining_cents
from app.donations.flags import open_flags_query
from app.donations.matching import contact_of
from app.donations.models import (
    DepositBatch,
    Donation,
    DonationFlag,
    EntryKind,
    FlagStatus,
    MatchStatus,
)
from app.donations.operations import get_donation
from app.extensions import db
from app.people.models import Person, PersonEmail, PersonPhone
from app.people.queries import follow_merges

DONATION_SORTS = {
    "received_on": Donation.received_on,
    "amount_cents": Donation.amount_cents,
    "created_at": Donation.created_at,
}
FLAG_SORTS = {"due_on": DonationFlag.due_on, "raised_at": DonationFlag.raised_at}
BATCH_SORTS = {"created_at": DepositBatch.created_at, "name": DepositBatch.name}
#: A confidential donor's details, withheld in lists.
IDENTITY = frozenset(
    {"prefix", "first_name", "middle_name", "last_name", "suffix", "street_1", "street_2",
     "city", "state", "zip", "employer", "occupation", "email", "phone"}
)  # fmt: skip
#: A deceased or do-not-contact donor's contact points, left out of lists.
CONTACT = frozenset({"email", "phone"})


@dataclass
class DonationRow:
    """A donation as shown: ``withheld`` names its fields a list leaves out."""

    donation: Donation
    donor: dict[str, Any] | None
    withheld: frozenset[str] = frozenset()


def donor_ref(person: Person, *, in_list: bool) -> dict[str, Any]:
    protected = in_list and person.confidential
    return {
        "id": person.id,
        "full_name": None if protected else person.full_name,
        "protected": person.confidential,
        "is_deceased": person.is_deceased,
        "do_not_contact": person.do_not_contact,
    }


def rows_of(donations: list[Donation], *, in_list: bool = True) -> list[DonationRow]:
    """The donations with their donors (one query), as a list (or a look-up) shows them."""
    ids = {donation.person_id for donation in donations if donation.person_id}
    people = {
        person.id: person
        for person in db.session.scalars(select(Person).where(Person.id.in_(ids)))
    } if ids else {}  # fmt: skip
    rows = []
    for donation in donations:
        person = people.get(donation.person_id)
        withheld: frozenset[str] = frozenset()
        if in_list and person is not None and person.confidential:
            withheld = IDENTITY
        elif in_list and person is not None and (person.is_deceased or person.do_not_contact):
            withheld = CONTACT
        ref = donor_ref(person, in_list=in_list) if person is not None else None
        rows.append(DonationRow(donation, ref, withheld))
    return rows


def list_donations(organization_id: int, args: Mapping[str, Any]) -> Page:
    """The ledger, filtered; newest received first."""
    stmt = (
        select(Donation)
        .where(Donation.organization_id == organization_id)
        .options(selectinload(Donation.flags))
    )
    if not args.get("include_voided"):
        stmt = stmt.where(Donation.voided_at.is_(None))
    if args.get("received_from"):
        stmt = stmt.where(Donation.received_on >= args["received_from"])
    if args.get("received_to"):
        stmt = stmt.where(Donation.received_on <= args["received_to"])
    for name, column in (
        ("election_id", Donation.election_id),
        ("method", Donation.method),
        ("kind", Donation.kind),
        ("person_id", Donation.person_id),
        ("batch_id", Donation.batch_id),
        ("processor", Donation.processor),
        ("source_page", Donation.page),
        ("reference_code", Donation.reference_code),
    ):
        if args.get(name) is not None:
            stmt = stmt.where(column == args[name])
    if args.get("flagged") is not None:
        standing = exists().where(
            DonationFlag.donation_id == Donation.id,
            DonationFlag.status.in_((FlagStatus.OPEN, FlagStatus.CONFIRMED)),
        )
        stmt = stmt.where(standing if args["flagged"] else ~standing)
    if args.get("review") is not None:
        waiting = Donation.match_status == MatchStatus.REVIEW
        stmt = stmt.where(waiting if args["review"] else ~waiting)
    page = paginate(
        stmt,
        args,
        sortable=DONATION_SORTS,
        default_order=[Donation.received_on.desc(), Donation.id.desc()],
    )
    page.items = rows_of(page.items)
    return page


@dataclass
class DonationDetail:
    row: DonationRow
    corrections: list[DonationRow]
    #: The other entries sharing its group: the joint check's other signers, or the other
    #: half of a redesignation or reattribution.
    related: list[DonationRow]
    remaining_cents: int | None


def donation_detail(organization_id: int, donation_id: int) -> DonationDetail:
    donation = get_donation(organization_id, donation_id)
    corrections = db.session.scalars(
        select(Donation).where(Donation.corrects_id == donation.id).order_by(Donation.id)
    ).all()
    related: list[Donation] = []
    if donation.group_uuid is not None:
        related = list(
            db.session.scalars(
                select(Donation)
                .where(Donation.group_uuid == donation.group_uuid, Donation.id != donation.id)
                .order_by(Donation.id)
            )
        )
    is_gift = donation.kind == EntryKind.CONTRIBUTION and donation.voided_at is None
    [row, *others] = rows_of([donation, *corrections, *related], in_list=False)
    return DonationDetail(
        row=row,
        corrections=others[: len(corrections)],
        related=others[len(corrections) :],
        remaining_cents=remaining_cents(donation) if is_gift else None,
    )


@dataclass
class ReviewItem:
    row: DonationRow
    candidates: list[dict[str, Any]] = field(default_factory=list)


def review_queue(organization_id: int, args: Mapping[str, Any]) -> Page:
    """Gifts whose donor a person must pick, oldest first, each with who could be the donor."""
    stmt = select(Donation).where(
        Donation.organization_id == organization_id,
        Donation.match_status == MatchStatus.REVIEW,
        Donation.voided_at.is_(None),
    )
    page = paginate(
        stmt.options(selectinload(Donation.flags)),
        args,
        sortable=DONATION_SORTS,
        default_order=[Donation.received_on.asc(), Donation.id.asc()],
    )
    page.items = [ReviewItem(row, _candidates(row.donation)) for row in rows_of(page.items)]
    return page


def _candidates(donation: Donation) -> list[dict[str, Any]]:
    """The people who could be the donor (a merged-away one as the person it lives on now),
    with what of the gift matches them; a confidential one shows only that it is there."""
    people: dict[int, Person] = {}
    for person in db.session.scalars(
        select(Person).where(Person.id.in_(donation.match_candidate_ids)).order_by(Person.id)
    ):
        live = follow_merges(person)
        people.setdefault(live.id, live)
    email, phone = contact_of({"email": donation.email, "phone": donation.phone})
    emails = _owners(PersonEmail, PersonEmail.address, email, people)
    phones = _owners(PersonPhone, PersonPhone.number, phone, people)
    shown = []
    for person in people.values():
        home = person.household.address if person.household is not None else None
        matches = [name for name, owners in (("email", emails), ("phone", phones))
                   if person.id in owners]  # fmt: skip
        same_name = (person.first_name or "").lower() == (donation.first_name or "").lower() and (
            person.last_name or ""
        ).lower() == (donation.last_name or "").lower()
        if same_name and home is not None and home.zip == (donation.zip or "")[:5]:
            matches.append("name_and_zip")
        if person.confidential:
            shown.append({"id": person.id, "protected": True, "matches": matches})
            continue
        shown.append({
            "id": person.id, "full_name": person.full_name, "protected": False,
            "address": home.line if home is not None else None,
            "zip": home.zip if home is not None else None,
            "is_donor": person.is_donor, "matches": matches,
        })  # fmt: skip
    return shown


def _owners(model, column, value: str | None, people: dict[int, Person]) -> set[int]:
    if not value or not people:
        return set()
    if model is PersonEmail:
        value = normalise_email(value)
    return set(
        db.session.scalars(
            select(model.person_id).where(column == value, model.person_id.in_(list(people)))
        )
    )


@dataclass
class FlagRow:
    flag: DonationFlag
    donation: DonationRow


def list_flags(organization_id: int, args: Mapping[str, Any]) -> Page:
    """The flags staff must act on (open or confirmed), the soonest due first."""
    stmt = (
        open_flags_query(organization_id, args.get("code"))
        .order_by(None)
        .options(selectinload(DonationFlag.donation))
    )
    if args.get("due_before"):
        stmt = stmt.where(DonationFlag.due_on <= args["due_before"])
    page = paginate(
        stmt,
        args,
        sortable=FLAG_SORTS,
        default_order=[DonationFlag.due_on.asc().nulls_last(), DonationFlag.id.asc()],
    )
    rows = rows_of([flag.donation for flag in page.items])
    page.items = [FlagRow(flag, row) for flag, row in zip(page.items, rows, strict=True)]
    return page

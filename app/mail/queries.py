"""Reads: drops with their results, a drop's mail file (streamed, names and addresses read
now), a piece by its code."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import distinct, func, select

from app.core.errors import NotFound
from app.core.links import public_url
from app.core.pagination import Page, paginate
from app.donations.models import Donation, EntryKind
from app.extensions import db
from app.mail.envelope import Name, address_lines, envelope_name, salutation
from app.mail.models import MailDrop, MailPiece
from app.mail.recipients import recipients
from app.people.models import Interaction, InteractionKind

DROP_SORTS = {"created_at": MailDrop.created_at, "name": MailDrop.name}
FILE_COLUMNS = ["piece_id", "name", "salutation", "address_1", "address_2", "city", "state",
                "zip", "recipients", "code", "response_url"]  # fmt: skip


def get_drop(organization_id: int, drop_id: int) -> MailDrop:
    drop = db.session.get(MailDrop, drop_id) if drop_id < 2**63 else None
    if drop is None or drop.organization_id != organization_id:
        raise NotFound("No such mail drop.", code="mail_drop_not_found")
    return drop


def piece_by_code(code: str) -> MailPiece | None:
    return db.session.scalar(select(MailPiece).where(MailPiece.code == code))


def response_url(code: str | None) -> str:
    return public_url(f"/p/{code}") if code else ""


def get_piece(drop: MailDrop, piece_id: int) -> MailPiece:
    piece = db.session.get(MailPiece, piece_id) if piece_id < 2**63 else None
    if piece is None or piece.drop_id != drop.id:
        raise NotFound("No such piece in this drop.", code="mail_piece_not_found")
    return piece


def results(drop: MailDrop) -> dict[str, Any]:
    """What the drop brought: pieces visited, people who signed up through a piece, and the
    gifts that came back carrying a piece's code; cost per piece and per response."""
    visited, visits = db.session.execute(
        select(
            func.count(MailPiece.first_visited_at), func.coalesce(func.sum(MailPiece.visits), 0)
        ).where(MailPiece.drop_id == drop.id)
    ).one()
    signups = db.session.scalar(
        select(func.count(distinct(Interaction.person_id))).where(
            Interaction.organization_id == drop.organization_id,
            Interaction.kind == InteractionKind.MAIL,
            Interaction.result == "responded",
            Interaction.data["drop_id"].astext == str(drop.id),
        )
    )
    gifts, cents = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Donation.amount_cents), 0))
        .join(MailPiece, MailPiece.code == Donation.reference_code)
        .where(
            MailPiece.drop_id == drop.id,
            Donation.organization_id == drop.organization_id,
            Donation.kind == EntryKind.CONTRIBUTION,
        )
    ).one()
    responses = int(visited) + int(signups or 0) + int(gifts)
    cost = drop.cost_cents
    return {
        "drop": drop,
        "visited": int(visited),
        "visits": int(visits),
        "signups": int(signups or 0),
        "gifts": int(gifts),
        "gift_cents": int(cents),
        "cost_per_piece_cents": round(cost / drop.quantity) if cost and drop.quantity else None,
        "cost_per_response_cents": round(cost / responses) if cost and responses else None,
    }


def list_drops(organization_id: int, args: Mapping[str, Any]) -> Page:
    page = paginate(
        select(MailDrop).where(MailDrop.organization_id == organization_id),
        args,
        sortable=DROP_SORTS,
        default_order=[MailDrop.created_at.desc(), MailDrop.id.desc()],
    )
    page.items = [results(drop) for drop in page.items]
    return page


def count_pieces(drop: MailDrop) -> tuple[int, int]:
    """(pieces, people) that would go now: suppressions since the draft left out."""
    sent = recipients(drop.id).subquery()
    pieces, people = db.session.execute(
        select(func.count(distinct(sent.c.piece_id)), func.count())
    ).one()
    return int(pieces), int(people)


def _name(row: Any) -> Name:
    return Name(row.first_name, row.last_name, row.middle_name, row.suffix)


def _address(row: Any) -> tuple[str, ...]:
    if row.mail_line1:
        return address_lines(row.mail_line1, row.mail_line2, row.mail_city, row.mail_state,
                             row.mail_zip)  # fmt: skip
    line1 = f"{row.house_number}{row.house_number_suffix or ''} {row.street}"
    return address_lines(line1, f"Unit {row.unit}" if row.unit else "", row.city or "",
                         row.state or "", row.zip or "")  # fmt: skip


def file_rows(drop_id: int) -> Iterator[dict[str, Any]]:
    """One row per piece, as a mail house wants it: the envelope's name line, the salutation,
    the address (the addressee's mailing address, else their home), the piece's code and the
    link it prints as a QR code. Streamed from the server in piece order (after the request's
    commit: it takes the drop's id, not the drop, which that commit let go of)."""
    stmt = recipients(drop_id).order_by("piece_id", "position")
    rows = db.session.execute(stmt, execution_options={"yield_per": 2000})
    for piece_id, group in itertools.groupby(rows, key=lambda row: row.piece_id):
        people = list(group)
        names = [_name(row) for row in people]
        line1, line2, city, state, zip = _address(people[0])
        yield {
            "piece_id": piece_id,
            "name": envelope_name(names),
            "salutation": salutation(names),
            "address_1": line1,
            "address_2": line2,
            "city": city,
            "state": state,
            "zip": zip,
            "recipients": len(people),
            "code": people[0].code or "",
            "response_url": response_url(people[0].code),
        }

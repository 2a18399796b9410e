"""Verbs on mail drops, pieces and mailing addresses; each writes its audit record and leaves
the commit to the caller. Making a drop's pieces and writing it in its recipients' histories
are one statement each (set-based), however many thousands of pieces it has."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    BigInteger,
    String,
    bindparam,
    distinct,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by, array

from app.audit.operations import record_audit
from app.core.actor import Actor
from app.core.codes import CODE_ALPHABET, CODE_LENGTH
from app.core.errors import Conflict, ValidationError
from app.core.signals import form_submitted
from app.extensions import db
from app.links.operations import check_target
from app.links.sources import credited
from app.mail.models import MailDrop, MailDropStatus, MailingAddress, MailPiece
from app.mail.recipients import has_mail_address, recipients
from app.people.consent import record_consent
from app.people.models import ConsentChannel, Interaction, InteractionKind, Person
from app.people.visibility import Channel, may_contact
from app.universes.queries import Search

#: A drop's pieces at most (a congressional district's households fit many times over).
MAX_PIECES = 400_000


def create_drop(actor: Actor, search: Search, fields: dict[str, Any]) -> MailDrop:
    """A draft drop and its pieces: one per household (its people in the universe who may get
    post) or one per person; nobody without an address to send to."""
    organization_id = actor.organization_id
    if fields.get("destination_id") is None:
        fields = {**fields, "path": fields.get("path") or "/"}  # the campaign's home page
    check_target(organization_id, fields.get("path"), fields.get("destination_id"))
    drop = MailDrop(
        organization_id=organization_id,
        created_by_id=actor.user_id,
        filter=dict(search.filter),
        **fields,
    )
    db.session.add(drop)
    db.session.flush()
    eligible = (
        search.people()
        .outerjoin(MailingAddress, MailingAddress.person_id == Person.id)
        .where(may_contact(Channel.MAIL), has_mail_address())
        .with_only_columns(Person.id, Person.household_id)
        .subquery()
    )
    if drop.per_household:
        door = func.coalesce(eligible.c.household_id, -eligible.c.id)
        chosen = select(
            literal(organization_id),
            literal(drop.id),
            func.max(eligible.c.household_id),
            func.array_agg(aggregate_order_by(eligible.c.id, eligible.c.id)),
        ).group_by(door)
    else:
        chosen = select(
            literal(organization_id),
            literal(drop.id),
            eligible.c.household_id,
            array([eligible.c.id]),
        )
    made = (
        db.session.execute(
            insert(MailPiece)
            .from_select(["organization_id", "drop_id", "household_id", "person_ids"], chosen)
            .returning(MailPiece.id)
        )
        .scalars()
        .all()
    )
    if not made:
        raise ValidationError(
            "Nobody in the universe may get post at an address we have.",
            code="no_recipients",
            fields={"universe_id": drop.universe_id},
        )
    if len(made) > MAX_PIECES:
        raise ValidationError(
            f"A drop has at most {MAX_PIECES} pieces; split the universe.",
            code="too_many_pieces",
            fields={"universe_id": drop.universe_id},
        )
    if drop.with_codes:
        _give_codes(list(made))
    drop.quantity = len(made)
    db.session.flush()
    record_audit(
        "mail_drops.create",
        entity=drop,
        changes={
            "universe_id": drop.universe_id,
            "pieces": len(made),
            "per_household": drop.per_household,
        },
    )
    return drop


def _new_codes(count: int, taken: set[str]) -> set[str]:
    """``count`` random codes, none of them in ``taken`` nor held by another piece."""
    codes: set[str] = set()
    while len(codes) < count:
        wanted = count - len(codes)
        fresh = (
            {
                "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                for _ in range(wanted)
            }
            - taken
            - codes
        )
        held = set(
            db.session.scalars(
                select(MailPiece.code).where(
                    MailPiece.code
                    == func.any(bindparam("codes", sorted(fresh), type_=ARRAY(String)))
                )
            )
        )
        codes |= fresh - held
    return codes


def _give_codes(piece_ids: list[int]) -> None:
    """A random short code per piece, in one statement (one more read for the rare clash)."""
    codes = list(_new_codes(len(piece_ids), set()))
    pairs = (
        func.unnest(
            bindparam("ids", piece_ids, type_=ARRAY(BigInteger)),
            bindparam("new", codes, type_=ARRAY(String)),
        )
        .table_valued("id", "code")
        .render_derived()
    )
    db.session.execute(
        update(MailPiece).where(MailPiece.id == pairs.c.id).values(code=pairs.c.code)
    )


def mark_mailed(actor: Actor, drop: MailDrop, fields: dict[str, Any]) -> MailDrop:
    """The drop went out: a ``mail`` interaction for every recipient who may still get it (one
    INSERT ... SELECT), its quantity and cost recorded."""
    if drop.status == MailDropStatus.MAILED:
        raise Conflict("This drop is already recorded as mailed.", code="already_mailed")
    mailed_on: date = fields["mailed_on"]
    sent = recipients(drop.id).subquery()
    written = (
        insert(Interaction)
        .from_select(
            [
                "organization_id",
                "person_id",
                "kind",
                "occurred_at",
                "user_id",
                "result",
                "summary",
                "data",
            ],
            select(
                literal(drop.organization_id),
                sent.c.person_id,
                literal(InteractionKind.MAIL.value),
                literal(_noon(mailed_on)),
                literal(actor.user_id, BigInteger),
                literal("mailed"),
                literal(f"Mailed: {drop.name}"[:300]),
                func.jsonb_build_object("drop_id", drop.id, "piece_id", sent.c.piece_id),
            ),
        )
        .returning(Interaction.data["piece_id"].astext.label("piece_id"))
        .cte("written")
    )
    people, pieces = db.session.execute(
        select(func.count(), func.count(distinct(written.c.piece_id)))
    ).one()
    drop.status = MailDropStatus.MAILED
    drop.mailed_on = mailed_on
    drop.vendor = fields.get("vendor", drop.vendor)
    drop.cost_cents = fields.get("cost_cents", drop.cost_cents)
    drop.quantity, drop.recipients = pieces, people
    db.session.flush()
    record_audit(
        "mail_drops.mail",
        entity=drop,
        changes={
            "mailed_on": mailed_on.isoformat(),
            "pieces": pieces,
            "recipients": people,
            "cost_cents": drop.cost_cents,
            "vendor": drop.vendor,
        },
    )
    return drop


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def _respond(piece: MailPiece, person_id: int, result: str, via: str) -> None:
    drop = db.session.get(MailDrop, piece.drop_id)
    db.session.add(
        Interaction(
            organization_id=piece.organization_id,
            person_id=person_id,
            kind=InteractionKind.MAIL,
            result=result,
            summary=f"{'Visited' if via == 'visit' else 'Signed up'} through: "
            f"{drop.name if drop else 'a mail piece'}"[:300],
            data={"drop_id": piece.drop_id, "piece_id": piece.id, "via": via},
        )
    )


def record_visit(piece: MailPiece, now: datetime | None = None) -> None:
    """Somebody typed or scanned the piece's code: counted; the first visit goes in the
    history of the piece's first recipient who may still get post (a piece is personal: the
    visit is theirs, or their household's), none when nobody may."""
    piece.visits += 1
    if piece.first_visited_at is None:
        piece.first_visited_at = now or datetime.now(UTC)
        addressee = db.session.scalar(
            select(Person.id)
            .where(Person.id == func.any(piece.person_ids), may_contact(Channel.MAIL))
            .order_by(func.array_position(piece.person_ids, Person.id))
            .limit(1)
        )
        if addressee is not None:
            _respond(piece, addressee, "visited", "visit")
    db.session.flush()


@form_submitted.connect
def credit_piece(person: Person, *, created: bool, **_: Any) -> None:
    """A public form sent after a mail piece's code: the response is the piece's, in the
    history of the person who sent the form (once per piece and person)."""
    piece = credited("p", MailPiece, person.organization_id)
    if piece is None:
        return
    already = db.session.scalar(
        select(Interaction.id)
        .where(
            Interaction.person_id == person.id,
            Interaction.kind == InteractionKind.MAIL,
            Interaction.result == "responded",
            Interaction.data["piece_id"].astext == str(piece.id),
        )
        .limit(1)
    )
    if already is None:
        _respond(piece, person.id, "responded", "signup")
        db.session.flush()


def set_mailing_address(person: Person, fields: dict[str, Any] | None) -> MailingAddress | None:
    """The person's mailing address (None: none, their home is where post goes)."""
    current = db.session.scalar(select(MailingAddress).where(MailingAddress.person_id == person.id))
    if fields is None:
        if current is not None:
            db.session.delete(current)
            db.session.flush()
            record_audit(
                "mailing_addresses.delete", entity=current, changes={"person_id": person.id}
            )
        return None
    if current is None:
        current = MailingAddress(organization_id=person.organization_id, person_id=person.id)
        db.session.add(current)
    for key in ("line1", "line2", "city", "state", "zip"):
        setattr(current, key, fields.get(key, ""))
    db.session.flush()
    record_audit(
        "mailing_addresses.set", entity=current, changes={"person_id": person.id, **fields}
    )
    return current


def set_do_not_mail(person: Person, do_not_mail: bool, source: str = "organizer") -> None:
    """Do-not-mail is a refused ``mail`` consent (its history kept): every mail file honours it."""
    record_consent(
        person,
        ConsentChannel.MAIL,
        granted=not do_not_mail,
        source=source,
        words="Do not mail" if do_not_mail else "May be mailed again",
    )
    record_audit("people.do_not_mail", entity=person, changes={"do_not_mail": do_not_mail})

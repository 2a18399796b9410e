"""Who a drop's pieces reach, read when asked: the people of each piece who may still get post
(``may_contact(Channel.MAIL)``: not deceased, confidential, merged away, do-not-contact or
do-not-mail) at an address they still have (their mailing address, else their home unless
they moved). The mail file, the drop's recording and its counts all read this one query."""

from __future__ import annotations

from sqlalchemy import Select, and_, func, or_, select, true

from app.mail.models import MailingAddress, MailPiece
from app.people.models import Person
from app.people.visibility import Channel, may_contact
from app.voters.models import Address, Household


def has_mail_address() -> object:
    """The person has somewhere to send post (their mailing address, or a home they live in)."""
    return or_(
        MailingAddress.id.is_not(None),
        and_(Person.household_id.is_not(None), Person.has_moved.is_(False)),
    )


def recipients(drop_id: int) -> Select:
    """One row per piece and person who may get it, addressee (lowest position) first."""
    # A function in FROM may read the rows before it (PostgreSQL makes it LATERAL).
    position = (
        func.unnest(MailPiece.person_ids)
        .table_valued("person_id", with_ordinality="position")
        .render_derived(name="recipient")
    )
    return (
        select(
            MailPiece.id.label("piece_id"),
            MailPiece.code,
            position.c.position,
            Person.id.label("person_id"),
            Person.first_name,
            Person.middle_name,
            Person.last_name,
            Person.suffix,
            MailingAddress.line1.label("mail_line1"),
            MailingAddress.line2.label("mail_line2"),
            MailingAddress.city.label("mail_city"),
            MailingAddress.state.label("mail_state"),
            MailingAddress.zip.label("mail_zip"),
            Address.house_number,
            Address.house_number_suffix,
            Address.street,
            Household.unit,
            Address.city,
            Address.state,
            Address.zip,
        )
        .select_from(MailPiece)
        .join(position, true())
        .join(Person, Person.id == position.c.person_id)
        .outerjoin(MailingAddress, MailingAddress.person_id == Person.id)
        .outerjoin(Household, Household.id == Person.household_id)
        .outerjoin(Address, Address.id == Household.address_id)
        .where(MailPiece.drop_id == drop_id, may_contact(Channel.MAIL), has_mail_address())
    )

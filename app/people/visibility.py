"""Who may be shown, and who may be contacted on a channel: the one predicate every read of
people in bulk uses (lists, sheets, exports, universes, housemates, door-knock checks).

It is read at read time, never copied onto a list when the list is made: a voter flagged
confidential, deceased or do-not-contact after a walk list was printed leaves that list, its
sheets, the phone's next refresh and every export at once.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, and_, exists

from app.people.models import ConsentChannel, ConsentState, Person, PersonEmail, PersonPhone


class Channel(StrEnum):
    DOOR = "door"
    PHONE = "phone"
    TEXT = "text"
    EMAIL = "email"
    MAIL = "mail"  # post: a mail piece at the person's mailing address or home


def is_listable() -> ColumnElement[bool]:
    """May appear in any list or export at all: not confidential (a protected voter: NC
    ``confidential_ind``, Florida's exemption, address-confidentiality programmes), not a
    merged-away duplicate."""
    return and_(Person.confidential.is_(False), Person.merged_into_id.is_(None))


def is_reachable(channel: Channel) -> ColumnElement[bool]:
    """Alive, not do-not-contact (nor do-not-call, for calls), and (for phone, text, email)
    with a number or address on that channel that has not opted out (nor been found a wrong
    number or disconnected, for phones; nor refused post, for mail: a ``mail`` consent
    refused for any purpose is do-not-mail). Whether they may be listed at all is
    ``is_listable``."""
    clauses = [Person.is_deceased.is_(False), Person.do_not_contact.is_(False)]
    if channel == Channel.PHONE:
        clauses.append(Person.do_not_call.is_(False))
    if channel == Channel.MAIL:
        refused = exists().where(
            ConsentState.person_id == Person.id,
            ConsentState.channel == ConsentChannel.MAIL,
            ConsentState.granted.is_(False),
        )
        clauses.append(~refused)
    if channel == Channel.EMAIL:
        usable = [PersonEmail.person_id == Person.id, PersonEmail.do_not_contact.is_(False)]
        clauses.append(exists().where(*usable))
    elif channel in (Channel.PHONE, Channel.TEXT):
        usable = [PersonPhone.person_id == Person.id, PersonPhone.do_not_contact.is_(False),
                  PersonPhone.call_status.is_(None)]  # fmt: skip
        if channel == Channel.TEXT:
            usable.append(PersonPhone.kind != "landline")
        clauses.append(exists().where(*usable))
    return and_(*clauses)


def may_contact(channel: Channel) -> ColumnElement[bool]:
    """May be shown and contacted on ``channel``: listable and reachable."""
    return and_(is_listable(), is_reachable(channel))

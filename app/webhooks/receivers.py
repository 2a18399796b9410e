"""Webhooks listen from above: each lower room's signal is noted in the session, and the
outbox is written just before the session commits (``app.webhooks.outbox``). No lower room
imports this one; ``create_app`` imports it (CONNECTED_MODULES)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event as orm_event
from sqlalchemy.orm import Session

from app.core.signals import (
    consent_refused,
    donation_recorded,
    donations_imported,
    knocks_synced,
    person_created,
    person_merged,
    person_updated,
    signup_changed,
    signup_created,
)
from app.donations.models import Donation
from app.events.models import Signup
from app.extensions import db
from app.people.models import Person
from app.webhooks import bodies
from app.webhooks.outbox import (
    IMPORT_CHUNK,
    note,
    render_knock,
    render_optout,
    render_person,
    render_row,
    write_outbox,
)


@person_created.connect
def _person_created(person: Person, **_: Any) -> None:
    session = db.session()
    note(
        session,
        person.organization_id,
        "person.created",
        id(person),
        render_person(session, person),
    )


@person_updated.connect
def _person_updated(person: Person, **_: Any) -> None:
    session = db.session()
    note(
        session,
        person.organization_id,
        "person.updated",
        id(person),
        render_person(session, person),
    )


@person_merged.connect
def _person_merged(kept: Person, *, merged: Person, **_: Any) -> dict[str, int]:
    """The kept person took the other's emails, phones and history: an update of theirs, with
    the merged-away identifier named (``doorstep:merged_identifiers``)."""
    session = db.session()
    render = render_person(session, kept)

    def with_merged():
        rendered = render()
        if rendered is None:
            return None
        person_id, data = rendered
        return person_id, {**data, "doorstep:merged_identifiers": [f"doorstep:{merged.id}"]}

    note(session, kept.organization_id, "person.updated", id(kept), with_merged)
    return {}  # the merge counts what each room moved: webhooks move no rows


@knocks_synced.connect
def _knocks_synced(organization_id: int, *, knock_ids: list[int], **_: Any) -> None:
    session = db.session()
    for knock_id in knock_ids:
        note(session, organization_id, "knock.synced", knock_id, render_knock(session, knock_id))


@donation_recorded.connect
def _donation_recorded(donation: Donation, **_: Any) -> None:
    session = db.session()
    note(
        session,
        donation.organization_id,
        "donation.created",
        donation.id,
        render_row(session, Donation, donation.id, bodies.donation_body),
    )


@donations_imported.connect
def _donations_imported(organization_id: int, *, donation_ids: list[int], **_: Any) -> None:
    session = db.session()
    ids = sorted(donation_ids)
    for start in range(0, len(ids), IMPORT_CHUNK):
        chunk = ids[start : start + IMPORT_CHUNK]
        note(
            session,
            organization_id,
            "donations.imported",
            ("import", chunk[0]),
            lambda chunk=chunk: (None, bodies.donations_imported_body(chunk)),
        )


def _signup(type_: str):
    def receive(signup: Signup, **_: Any) -> None:
        session = db.session()
        note(
            session,
            signup.organization_id,
            type_,
            id(signup),
            lambda: (signup.id, bodies.signup_body(signup)) if signup.id else None,
        )

    return receive


_signup_updated = signup_changed.connect(_signup("signup.updated"))


@signup_created.connect
def _signup_created(_person: Person, *, signup: Signup, **_: Any) -> None:
    _signup("signup.created")(signup)


@consent_refused.connect
def _consent_refused(person: Person, **refusal: Any) -> None:
    session = db.session()
    key = (id(person), str(refusal["channel"]), refusal["contact"])
    note(session, person.organization_id, "optout.created", key, render_optout(person, refusal))


@orm_event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    write_outbox(session)


@orm_event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous: Any) -> None:
    if not session.in_transaction():
        session.info.pop("webhook_notes", None)

"""Verbs on people and their history. They flush; the caller commits."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Organization
from app.audit.operations import describe_changes, record_audit
from app.core.actor import Actor
from app.core.errors import Conflict, ValidationError
from app.core.signals import person_created, person_updated
from app.extensions import db
from app.people.contacts import EMAILS, PHONES, apply_contacts
from app.people.models import (
    Interaction,
    InteractionKind,
    Person,
    PersonSource,
    SurveyAnswer,
)
from app.people.queries import follow_merges

# Fields copied as given (after the schema's checks) on create and edit.
_PLAIN_FIELDS = (
    "title",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "gender",
    "birth_year",
    "birth_date",
    "is_deceased",
    "has_moved",
    "do_not_contact",
    "do_not_call",
)


def normalise_tags(tags: Iterable[str]) -> list[str]:
    """Trimmed, inner spaces collapsed, unique ignoring case (the first spelling wins)."""
    seen: set[str] = set()
    result = []
    for tag in tags:
        tag = " ".join(tag.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            result.append(tag)
    return result


def normalise_languages(languages: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(code.strip().lower().replace("_", "-") for code in languages))


def create_person(organization_id: int, fields: dict[str, Any]) -> Person:
    """A person who is not (yet) on the voter file: a volunteer, a donor, a sign-up."""
    now = datetime.now(UTC)
    person = Person(
        organization_id=organization_id,
        source=PersonSource.MANUAL,
        languages=[],
        tags=[],
        custom_fields={},
    )
    _set_fields(person, fields)
    contacts = _apply_contact_changes(person, fields, now)
    db.session.add(person)
    changes = describe_changes(person)  # before flush: afterwards there is no history
    db.session.flush()
    record_audit("person.create", entity=person, changes={**changes, **contacts})
    person_created.send(person)
    return person


def update_person(person: Person, changes: dict[str, Any]) -> Person:
    """Edit a person: names, birth, tags, custom fields, suppressions, emails and phones."""
    lock_people(person)  # two editors adding the same email: the second one sees the first
    _refuse_merged(person)
    now = datetime.now(UTC)
    _set_fields(person, changes)
    if not person.first_name and not person.last_name:
        raise ValidationError(
            "Give a first or last name.", fields={"last_name": ["Give a first or last name."]}
        )
    # Before the contacts: loading them autoflushes, and after a flush there is no history.
    summary = describe_changes(person)
    summary.update(_apply_contact_changes(person, changes, now))
    if summary:
        record_audit("person.update", entity=person, changes=summary)
        person_updated.send(person)
    db.session.flush()
    return person


def lock_people(*people: Person) -> None:
    """Lock the people's rows for this transaction and reload them (ids in order: no deadlock)."""
    db.session.scalars(
        select(Person)
        .where(Person.id.in_([person.id for person in people]))
        .order_by(Person.id)
        .with_for_update(of=Person, key_share=True)
        .execution_options(populate_existing=True)
    ).all()


def _refuse_merged(person: Person) -> None:
    if person.merged_into_id is not None:
        raise Conflict(
            f"This person was merged into person {person.merged_into_id}; edit that one.",
            code="person_merged",
        )


def _set_fields(person: Person, fields: dict[str, Any]) -> None:
    for name in _PLAIN_FIELDS:
        if name in fields:
            setattr(person, name, fields[name])
    if fields.get("birth_date") and "birth_year" not in fields:
        person.birth_year = fields["birth_date"].year
    if "tags" in fields:
        person.tags = normalise_tags(fields["tags"])
    if "languages" in fields:
        person.languages = normalise_languages(fields["languages"])
    if "custom_fields" in fields:
        # Merge-patch: given keys are set, a null removes a key (create starts from {}).
        merged = {**person.custom_fields, **fields["custom_fields"]}
        person.custom_fields = {k: v for k, v in merged.items() if v is not None}


def _apply_contact_changes(person: Person, fields: dict[str, Any], now: datetime) -> dict:
    summary = {}
    for kind in (EMAILS, PHONES):
        name = kind.collection
        for field, replace in ((name, True), (f"add_{name}", False)):
            if field in fields:
                changed = apply_contacts(
                    person, kind, fields[field], replace=replace, field=field, now=now
                )
                if changed:
                    summary.setdefault(name, {}).update(changed)
    return summary


def record_interaction(
    person: Person,
    kind: InteractionKind,
    *,
    user_id: int | None = None,
    occurred_at: datetime | None = None,
    summary: str = "",
    result: str | None = None,
    data: dict[str, Any] | None = None,
    import_job_id: int | None = None,
    client_uuid: uuid.UUID | None = None,
) -> Interaction:
    """Append one entry to a person's history; the building block of every contact record.

    A merged-away person's history lives on the survivor, so the entry goes there: a door
    knock queued on a phone before the merge is not lost. With ``client_uuid`` the entry is
    applied once however often it arrives; the first one is returned for the repeats.
    """
    person = follow_merges(person)
    if client_uuid is not None:
        existing = _interaction_by_client_uuid(client_uuid)
        if existing is not None:
            return _same_campaign(existing, person)
    interaction = Interaction(
        organization_id=person.organization_id,
        person_id=person.id,
        kind=kind,
        occurred_at=occurred_at or datetime.now(UTC),
        user_id=user_id,
        import_job_id=import_job_id,
        result=result,
        summary=summary,
        data=data or {},
        client_uuid=client_uuid,
    )
    if client_uuid is None:
        db.session.add(interaction)
        db.session.flush()
        return interaction
    try:
        with db.session.begin_nested():  # a twin arriving at the same moment loses cleanly
            db.session.add(interaction)
    except IntegrityError:
        existing = _interaction_by_client_uuid(client_uuid)
        if existing is None:
            raise
        return _same_campaign(existing, person)
    return interaction


def _interaction_by_client_uuid(client_uuid: uuid.UUID) -> Interaction | None:
    return db.session.scalar(select(Interaction).where(Interaction.client_uuid == client_uuid))


def _same_campaign(existing: Interaction, person: Person) -> Interaction:
    if existing.organization_id != person.organization_id:
        raise Conflict("This record id is already used.", code="client_uuid_taken")
    return existing


def add_note(
    actor: Actor,
    person: Person,
    summary: str,
    occurred_at: datetime | None,
    answers: dict[str, str] | None = None,
) -> Interaction:
    """A note written by a user on a person's timeline, with survey answers if given (a call
    logged by hand: "support 2, top issue housing")."""
    interaction = record_interaction(
        person,
        InteractionKind.NOTE,
        user_id=actor.user_id,
        summary=summary,
        occurred_at=occurred_at,
        data={"answers": answers} if answers else None,
    )
    if answers:
        record_answers(interaction, answers)
    record_audit(
        "interaction.create",
        entity=interaction,
        changes={"person_id": interaction.person_id, "kind": InteractionKind.NOTE.value},
    )
    return interaction


def record_answers(interaction: Interaction, answers: dict[str, str]) -> None:
    """Store the answers given in one interaction (see ``store_answers``)."""
    store_answers(
        interaction.organization_id,
        [
            {
                "person_id": interaction.person_id,
                "question": question,
                "answer": answer,
                "answered_at": interaction.occurred_at,
                "interaction_id": interaction.id,
                "user_id": interaction.user_id,
            }
            for question, answer in answers.items()
        ],
    )


def campaign_zone(organization_id: int) -> ZoneInfo:
    """The campaign's time zone: its days are the ones answers are kept per. Read through
    the session's identity map (every text sent and sync batch asks; one query serves)."""
    organization = db.session.get(Organization, organization_id)
    return ZoneInfo((organization.time_zone if organization else None) or "America/New_York")


def store_answers(
    organization_id: int, rows: list[dict[str, Any]], zone: ZoneInfo | None = None
) -> None:
    """Store answers (person_id, question, answer, answered_at, interaction_id, user_id):
    one per question per person per day, a later answer that day replacing the earlier one
    (one synced late does not overwrite a later one); earlier days stay as history. A
    multiple-choice answer (a list) is stored comma-joined; a long text answer is cut to what
    the column holds (the interaction keeps all of it)."""
    if not rows:
        return
    zone = zone or campaign_zone(organization_id)  # "per day" is the campaign's day
    latest: dict[tuple[int, str, date], dict[str, Any]] = {}
    for row in rows:  # one row per person, question and day in a statement: the latest
        day = row["answered_at"].astimezone(zone).date()
        key = (row["person_id"], row["question"], day)
        if key not in latest or latest[key]["answered_at"] <= row["answered_at"]:
            latest[key] = {"person_id": row["person_id"], "question": row["question"],
                           "answered_at": row["answered_at"],
                           "interaction_id": row.get("interaction_id"),
                           "user_id": row.get("user_id"), "organization_id": organization_id,
                           "answer": _answer_text(row["answer"]), "answered_on": day}  # fmt: skip
    # One statement, its rows as parameters: compiled once per process, where a multi-row
    # VALUES was new SQL for every batch (a sync batch carries a hundred answers).
    db.session.execute(_ANSWERS_UPSERT, list(latest.values()))


def _answers_upsert():
    answers = SurveyAnswer.__table__
    statement = insert(answers)
    return statement.on_conflict_do_update(
        index_elements=["person_id", "question", "answered_on"],
        set_={
            name: statement.excluded[name]
            for name in ("answer", "answered_at", "interaction_id", "user_id")
        },
        where=answers.c.answered_at <= statement.excluded.answered_at,
    )


_ANSWERS_UPSERT = _answers_upsert()


def _answer_text(answer: str | list[str]) -> str:
    text = ",".join(answer) if isinstance(answer, list) else answer
    return text[: SurveyAnswer.answer.type.length]

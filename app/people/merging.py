"""Merging two records of one person, keeping both histories."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select, update

from app.audit.operations import describe_changes, record_audit
from app.core.actor import Actor
from app.core.errors import Conflict, ValidationError
from app.core.signals import person_merged
from app.extensions import db
from app.people.contacts import EMAILS, PHONES, ContactKind, ensure_one_primary, fold_contact
from app.people.models import Interaction, InteractionKind, Person, SurveyAnswer
from app.people.operations import (
    lock_people,
    normalise_languages,
    normalise_tags,
    record_interaction,
)
from app.voters.search_columns import refresh_search_columns

log = logging.getLogger(__name__)

# Filled on the kept person only where it has nothing.
_FILLED_WHEN_EMPTY = (
    "title",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "gender",
    "birth_date",
    "birth_year",
    "party",
    "registration_status",
)
_SUPPRESSIONS = ("is_deceased", "has_moved", "do_not_contact", "do_not_call", "confidential")
_SEARCH_COLUMNS = ("party", "registration_status", "confidential", "vote_codes", "household_id")


def merge_people(actor: Actor, kept: Person, other: Person) -> Person:
    """Merge ``other`` into ``kept``: ``other`` stays as a pointer (``merged_into_id``).

    Interactions, survey answers, emails and phones move to ``kept``, and the rooms above people
    move their own rows as receivers of ``person_merged`` (registrations with their votes,
    sign-ups, volunteer profiles); contact
    points both have are folded (see ``fold_contact``); tags and languages are united; custom
    fields and name parts of ``kept`` win, its empty ones are filled from ``other``; suppression
    flags and ``confidential`` are OR-ed. Then the search columns are refreshed from the
    registrations ``kept`` now holds (party, status and home from the newest on file).
    """
    if kept.id == other.id:
        raise ValidationError(
            "A person cannot be merged with itself.",
            code="merge_same_person",
            fields={"other_id": ["The same person."]},
        )
    if kept.organization_id != other.organization_id:
        raise ValidationError(
            "People of different campaigns cannot be merged.",
            code="merge_across_organizations",
            fields={"other_id": ["Another campaign's person."]},
        )
    lock_people(kept, other)  # two directors merging one pair: the second sees the first
    for person in (kept, other):
        if person.merged_into_id is not None:
            raise Conflict(
                f"Person {person.id} was already merged into person {person.merged_into_id}.",
                code="person_merged",
            )
    before = {name: getattr(kept, name) for name in _SEARCH_COLUMNS}
    # Bulk moves first: they flush, and the attribute changes below must stay unflushed
    # until describe_changes has read them.
    moved = {
        "interactions": _move_rows(Interaction, other, kept),
        "survey_answers": _move_answers(other, kept),
    }
    for _receiver, counts in person_merged.send(kept, merged=other):
        moved.update(counts)
    db.session.execute(
        update(Person)
        .where(Person.merged_into_id == other.id)
        .values(merged_into_id=kept.id)
        .execution_options(synchronize_session=False)
    )
    contacts = {kind.collection: _merge_contacts(kind, kept, other) for kind in (EMAILS, PHONES)}
    _merge_fields(kept, other)
    folded = {"confidential": kept.confidential, "vote_codes": set(kept.vote_codes)}
    other.merged_into_id = kept.id
    changes = describe_changes(kept)
    db.session.flush()

    # The same statement the voter-file import runs: the kept person's registrations now
    # speak for it. A merge only adds, though: either side's protection and votes stay.
    refresh_search_columns(kept.organization_id, "SELECT CAST(:kept_id AS bigint)", kept_id=kept.id)
    db.session.refresh(kept)
    kept.confidential = kept.confidential or folded["confidential"]
    kept.vote_codes = sorted({*kept.vote_codes, *folded["vote_codes"]})
    for name in _SEARCH_COLUMNS:
        if getattr(kept, name) != before[name]:
            after = getattr(kept, name)
            changes[name] = (
                "changed" if name == "vote_codes" else {"from": before[name], "to": after}
            )
    record_interaction(
        kept,
        InteractionKind.MERGE,
        user_id=actor.user_id,
        summary=f"Merged with {other.full_name or 'no name'} (#{other.id})"[:300],
        data={"merged_person_id": other.id, "merged_person_name": other.full_name, **moved},
    )
    record_audit(
        "person.merge",
        entity=kept,
        changes={
            **changes,
            "merged_person_id": other.id,
            "merged_person_name": other.full_name,
            "moved": {**moved, **{name: n for name, n in contacts.items() if n}},
        },
    )
    db.session.flush()
    log.info("merged person %s into %s", other.id, kept.id)
    return kept


def _move_answers(other: Person, kept: Person) -> int:
    """Survey answers move too, except where the kept person answered the same question that
    day (one answer per question per day): those stay, as history, on the merged-away row."""
    mine = SurveyAnswer.__table__.alias("mine")
    result = db.session.execute(
        update(SurveyAnswer)
        .where(
            SurveyAnswer.person_id == other.id,
            ~select(mine.c.id)
            .where(
                mine.c.person_id == kept.id,
                mine.c.question == SurveyAnswer.question,
                mine.c.answered_on == SurveyAnswer.answered_on,
            )
            .exists(),
        )
        .values(person_id=kept.id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _move_rows(model: Any, other: Person, kept: Person) -> int:
    result = db.session.execute(
        update(model)
        .where(model.person_id == other.id, model.organization_id == other.organization_id)
        .values(person_id=kept.id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _merge_contacts(kind: ContactKind, kept: Person, other: Person) -> int:
    """Move ``other``'s rows of one kind to ``kept``; fold the ones both have. Returns moved."""
    kept_rows = getattr(kept, kind.collection)
    by_key = {getattr(row, kind.key): row for row in kept_rows}
    has_primary = any(row.is_primary for row in kept_rows)
    moved = 0
    for row in list(getattr(other, kind.collection)):
        twin = by_key.get(getattr(row, kind.key))
        if twin is None:
            row.is_primary = row.is_primary and not has_primary
            row.person = kept  # back_populates moves it between the two lists
            moved += 1
        else:
            fold_contact(twin, row)
            getattr(other, kind.collection).remove(row)  # delete-orphan
    ensure_one_primary(kept_rows)
    return moved


def _merge_fields(kept: Person, other: Person) -> None:
    for name in _FILLED_WHEN_EMPTY:
        if getattr(kept, name) in (None, "") and getattr(other, name) not in (None, ""):
            setattr(kept, name, getattr(other, name))
    for name in _SUPPRESSIONS:
        setattr(kept, name, bool(getattr(kept, name) or getattr(other, name)))
    kept.tags = normalise_tags([*kept.tags, *other.tags])
    kept.languages = normalise_languages([*kept.languages, *other.languages])
    kept.custom_fields = {**other.custom_fields, **kept.custom_fields}
    kept.vote_codes = sorted({*kept.vote_codes, *other.vote_codes})
    if kept.household_id is None and other.household_id is not None:
        kept.household = other.household
        kept.location = other.location
        kept.area_ids = list(other.area_ids)

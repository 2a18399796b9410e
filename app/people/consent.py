"""Consent, one place: every decision a person makes (or an organiser records for them) about
a channel and a purpose is a ``ConsentRecord`` (append-only history: source, time, the words
shown, the address or number), with the latest per person, channel and purpose in
``ConsentState``; and the contact points' flags (``consent``, ``sms_consent``,
``do_not_contact``), which every list reads (``app.people.visibility``), are set here and
nowhere else, in the same flush.

Every path that changes consent comes through ``record_consent`` (a STOP, a one-click
unsubscribe, the preference page, a bounce or complaint, a confirmed form) or
``set_contact_flags`` (an organiser's edit, a form's tick box, both through
``app.people.contacts.apply_contacts``). Lists, campaigns and rules read the flags and states
when they run, so an opt-out stops that channel everywhere from the next read on.

Purposes are a small fixed set (``ConsentPurpose``). A channel-wide decision (``purposes`` left
out) speaks for every purpose and moves the contact point's flags; a decision about some
purposes (the preference page: "no fundraising emails") moves only their states.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.audit.context import current_audit_context
from app.core.signals import consent_refused, person_merged
from app.extensions import db
from app.people.models import (
    ConsentChannel,
    ConsentPurpose,
    ConsentRecord,
    ConsentState,
    Person,
    PersonEmail,
    PersonPhone,
)

ALL_PURPOSES: tuple[ConsentPurpose, ...] = tuple(ConsentPurpose)


def channel_open(row: Any, channel: ConsentChannel) -> bool:
    """Whether the contact point's flags say yes to ``channel``."""
    if row.do_not_contact:
        return False
    if channel is ConsentChannel.SMS:
        return bool(row.sms_consent)
    return bool(row.consent)


def _channels_of(row: Any) -> tuple[ConsentChannel, ...]:
    if isinstance(row, PersonEmail):
        return (ConsentChannel.EMAIL,)
    return (ConsentChannel.SMS, ConsentChannel.CALL)


def _contact_of(row: Any) -> str:
    return row.address if isinstance(row, PersonEmail) else row.number


def set_contact_flags(
    person: Person,
    row: PersonEmail | PersonPhone,
    flags: dict[str, bool],
    *,
    source: str,
    now: datetime,
    words: str = "",
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Set ``row``'s consent flags to ``flags`` (any of consent, sms_consent, do_not_contact)
    and record, for each channel whose answer changed, a decision for every purpose. Returns
    the flags that changed ({name: {from, to}})."""
    before = {channel: channel_open(row, channel) for channel in _channels_of(row)}
    is_new = row.id is None
    changes = _set_flags(row, flags, now)
    for channel, was_open in before.items():
        is_open = channel_open(row, channel)
        if was_open and not is_open:
            consent_refused.send(person, channel=channel, contact=_contact_of(row),
                                 source=source, purposes=list(ALL_PURPOSES), at=now)  # fmt: skip
        # A new address or number records what it starts with only when that is a yes.
        if (changes and is_open != was_open) or (is_new and is_open):
            _append(
                person,
                channel,
                ALL_PURPOSES,
                granted=is_open,
                contact=_contact_of(row),
                source=source,
                words=words,
                detail=detail,
                now=now,
                states=is_open or not _open_elsewhere(person, channel, [row]),
            )
    return changes


def _set_flags(row: Any, flags: dict[str, bool], now: datetime) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name, value in flags.items():
        if hasattr(row, name) and getattr(row, name) != value:
            changes[name] = {"from": getattr(row, name), "to": value}
            setattr(row, name, value)
    if changes:
        row.consent_changed_at = now
    return changes


def record_consent(
    person: Person,
    channel: ConsentChannel,
    *,
    granted: bool,
    source: str,
    contact: str = "",
    purposes: Sequence[ConsentPurpose] | None = None,
    words: str = "",
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> list[ConsentRecord]:
    """A person's decision about ``channel`` (for ``purposes``; all when left out), about
    ``contact`` (every address or number of theirs on the channel when empty).

    Channel-wide, it moves the contact points' flags: a no sets ``do_not_contact`` (and takes
    the opt-in back), a yes lifts it and sets the opt-in. For some purposes only, the flags
    stay as they are, but a yes for a purpose on a channel that was closed opens it (and the
    other purposes are recorded as refused, as they were)."""
    now = now or datetime.now(UTC)
    rows = _rows_for(person, channel, contact)
    channel_wide = purposes is None
    reopens = not channel_wide and granted and not any(channel_open(r, channel) for r in rows)
    if channel_wide or reopens:
        for row in rows:
            before = {other: channel_open(row, other) for other in _channels_of(row)}
            _set_flags(row, _flags_for(channel, granted), now)
            for other, was_open in before.items():
                # A STOP's do-not-contact closes calls to the number too: said in their history.
                if other is not channel and channel_open(row, other) != was_open:
                    _append(
                        person,
                        other,
                        ALL_PURPOSES,
                        granted=not was_open,
                        contact=_contact_of(row),
                        source=source,
                        words=words,
                        detail=detail,
                        now=now,
                    )
    if reopens:
        others = [p for p in ALL_PURPOSES if p not in (purposes or ())]
        _append(
            person,
            channel,
            others,
            granted=False,
            contact=contact,
            source=source,
            words=words,
            detail=detail,
            now=now,
        )
    # Refusing one address of several refuses that address (its flags), not the purposes.
    states = granted or not channel_wide or not _open_elsewhere(person, channel, rows)
    records = _append(
        person,
        channel,
        purposes or ALL_PURPOSES,
        granted=granted,
        contact=contact,
        source=source,
        words=words,
        detail=detail,
        now=now,
        states=states,
    )
    if not granted:
        consent_refused.send(person, channel=channel, contact=contact, source=source,
                             purposes=list(purposes or ALL_PURPOSES), at=now)  # fmt: skip
    db.session.flush()
    return records


def _open_elsewhere(person: Person, channel: ConsentChannel, rows: list[Any]) -> bool:
    """Whether the person has another address or number open on ``channel``."""
    others = _rows_for(person, channel, "")
    return any(channel_open(other, channel) for other in others if other not in rows)


def _rows_for(person: Person, channel: ConsentChannel, contact: str) -> list[Any]:
    if channel is ConsentChannel.MAIL:
        return []
    rows = person.emails if channel is ConsentChannel.EMAIL else person.phones
    return [row for row in rows if not contact or _contact_of(row) == contact]


def _flags_for(channel: ConsentChannel, granted: bool) -> dict[str, bool]:
    opt_in = "sms_consent" if channel is ConsentChannel.SMS else "consent"
    if granted:
        return {opt_in: True, "do_not_contact": False}
    return {opt_in: False, "do_not_contact": True}


def _append(
    person: Person,
    channel: ConsentChannel,
    purposes: Iterable[ConsentPurpose],
    *,
    granted: bool,
    contact: str,
    source: str,
    words: str,
    detail: dict[str, Any] | None,
    now: datetime,
    states: bool = True,
) -> list[ConsentRecord]:
    """New records, and (with ``states``) the states they make; ORM objects (no flush), so a
    person made in this request, not yet flushed, takes them too."""
    user_id = current_audit_context().actor_user_id
    current: dict[ConsentPurpose, ConsentState] = {}
    if person.id is not None and states:
        current = {
            state.purpose: state
            for state in db.session.scalars(
                select(ConsentState).where(
                    ConsentState.person_id == person.id, ConsentState.channel == channel
                )
            )
        }
    records = []
    for purpose in purposes:
        record = ConsentRecord(
            organization_id=person.organization_id,
            person=person,
            channel=channel,
            purpose=purpose,
            granted=granted,
            contact=contact or "",
            source=source[:40],
            words=words,
            user_id=user_id,
            detail=detail or {},
            recorded_at=now,
        )
        records.append(record)
        if not states:
            continue
        state = current.get(purpose)
        if state is None:
            state = ConsentState(
                organization_id=person.organization_id,
                person=person,
                channel=channel,
                purpose=purpose,
            )
            db.session.add(state)
        state.granted, state.record, state.changed_at = granted, record, now
    db.session.add_all(records)
    return records


def consent_history(person_id: int) -> list[ConsentRecord]:
    """A person's decisions, newest first."""
    return list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.person_id == person_id)
            .order_by(ConsentRecord.recorded_at.desc(), ConsentRecord.id.desc())
        )
    )


def consent_states(person_id: int) -> dict[tuple[str, str], bool]:
    """(channel, purpose) -> the latest decision, for what has one."""
    rows = db.session.execute(
        select(ConsentState.channel, ConsentState.purpose, ConsentState.granted).where(
            ConsentState.person_id == person_id
        )
    )
    return {(row.channel.value, row.purpose.value): row.granted for row in rows}


@person_merged.connect
def _move_consent(kept: Person, *, merged: Person) -> dict[str, int]:
    """The merged person's decisions join the kept one's history; for each channel and
    purpose the later decision is the state (a refusal on either side outlives the merge
    through the contact points' flags, app.people.contacts.fold_contact)."""
    moved = db.session.execute(
        ConsentRecord.__table__.update()
        .where(ConsentRecord.person_id == merged.id)
        .values(person_id=kept.id)
    ).rowcount
    theirs = db.session.scalars(select(ConsentState).where(ConsentState.person_id == merged.id))
    for state in list(theirs):
        mine = db.session.scalar(
            select(ConsentState).where(
                ConsentState.person_id == kept.id,
                ConsentState.channel == state.channel,
                ConsentState.purpose == state.purpose,
            )
        )
        if mine is None:
            state.person_id = kept.id
            continue
        if state.changed_at > mine.changed_at:
            mine.granted, mine.record_id, mine.changed_at = (
                state.granted,
                state.record_id,
                state.changed_at,
            )
        db.session.delete(state)
    db.session.flush()
    return {"consent_records": moved}

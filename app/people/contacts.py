"""A person's emails and phones: normalised, one row per address or number, consent kept.

Consent is evidence: every change of a consent flag stamps ``consent_changed_at``, and an
opt-out (``do_not_contact``) is never dropped by an edit or a merge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.contact import normalise_email, normalise_phone
from app.core.errors import ValidationError
from app.people.consent import set_contact_flags
from app.people.models import Person, PersonEmail, PersonPhone


@dataclass(frozen=True)
class ContactKind:
    """What differs between emails and phones."""

    collection: str  # Person attribute
    model: type[PersonEmail] | type[PersonPhone]
    key: str  # the column a person has once
    consent_flags: tuple[str, ...]  # opt-ins; do_not_contact is the opt-out

    def normalise(self, raw: str, field: str) -> str:
        if self.model is PersonPhone:
            return normalise_phone(raw, field=field)
        return normalise_email(raw)


EMAILS = ContactKind("emails", PersonEmail, "address", ("consent",))
PHONES = ContactKind("phones", PersonPhone, "number", ("consent", "sms_consent"))
_FLAGS = ("consent", "sms_consent", "do_not_contact")


def apply_contacts(
    person: Person,
    kind: ContactKind,
    items: Sequence[dict[str, Any]],
    *,
    replace: bool,
    field: str,
    now: datetime,
    source: str = "edit",
) -> dict[str, Any]:
    """Add or update ``items`` (and with ``replace``, drop unlisted rows); returns a summary.

    ``field`` names the request field, so a bad value is reported as ``phones.2.number``.
    Flags an item leaves out keep their stored value. Consent flags are set through
    ``app.people.consent`` (the history records ``source``: an organiser's "edit", a "form").
    """
    rows: list[Any] = getattr(person, kind.collection)
    by_key = {getattr(row, kind.key): row for row in rows}
    summary: dict[str, Any] = {"added": [], "updated": {}, "removed": []}
    listed: set[str] = set()
    for index, item in enumerate(items):
        key = kind.normalise(item[kind.key], f"{field}.{index}.{kind.key}")
        if key in listed:
            raise ValidationError(
                "An address or number is listed twice.",
                fields={f"{field}.{index}.{kind.key}": ["Listed twice."]},
            )
        listed.add(key)
        row = by_key.get(key)
        if row is None:
            row = _new_row(person, kind, key)
            rows.append(row)
            summary["added"].append(key)
        changes = _set_flags(person, row, item, now, source)
        if changes and key not in summary["added"]:
            summary["updated"][key] = changes
        if getattr(row, "kind", None) == "landline" and getattr(row, "sms_consent", False):
            raise ValidationError(
                "A landline cannot take texts.",
                fields={f"{field}.{index}.sms_consent": ["A landline cannot take texts."]},
            )
        if item.get("is_primary"):
            for other in rows:
                other.is_primary = other is row
        elif "is_primary" in item:
            row.is_primary = False
    if replace:
        for row in list(rows):
            # An opt-out outlives the edit: unlisting it would let the next import re-add
            # the address as contactable.
            if getattr(row, kind.key) not in listed and not row.do_not_contact:
                rows.remove(row)  # delete-orphan: the row is deleted at flush
                summary["removed"].append(getattr(row, kind.key))
    ensure_one_primary(rows)
    return {name: value for name, value in summary.items() if value}


def _new_row(person: Person, kind: ContactKind, key: str) -> Any:
    row = kind.model(organization_id=person.organization_id, source="manual")
    setattr(row, kind.key, key)
    # Explicit defaults (the server would fill them only at flush).
    row.is_primary = False
    row.consent = False
    row.do_not_contact = False
    if kind.model is PersonPhone:
        row.sms_consent = False
        row.kind = "unknown"
    return row


def _set_flags(
    person: Person, row: Any, item: dict[str, Any], now: datetime, source: str
) -> dict[str, Any]:
    if "kind" in item and hasattr(row, "kind") and row.kind != item["kind"]:
        kind = {"kind": {"from": row.kind, "to": item["kind"]}}
        row.kind = item["kind"]
    else:
        kind = {}
    flags = {name: item[name] for name in _FLAGS if name in item}
    return {**set_contact_flags(person, row, flags, source=source, now=now), **kind}


def ensure_one_primary(rows: Sequence[Any]) -> None:
    """Exactly one primary when there are any: the first reachable one by default."""
    primaries = [row for row in rows if row.is_primary]
    if len(primaries) == 1 or not rows:
        return
    chosen = (
        primaries[0]
        if primaries
        else next((row for row in rows if not row.do_not_contact), rows[0])
    )
    for row in rows:
        row.is_primary = row is chosen


def fold_contact(kept: Any, other: Any) -> None:
    """Fold ``other``'s flags into ``kept`` (same address or number, two people being merged).

    An opt-out on either side stays. For the opt-ins the more recent decision wins (the one with
    the later ``consent_changed_at``); when neither was ever stamped, either side's yes counts.
    """
    kept.do_not_contact = kept.do_not_contact or other.do_not_contact
    kept_at, other_at = kept.consent_changed_at, other.consent_changed_at
    for name in ("consent", "sms_consent"):
        if not hasattr(kept, name):
            continue
        if kept_at is None and other_at is None:
            setattr(kept, name, getattr(kept, name) or getattr(other, name))
        elif other_at is not None and (kept_at is None or other_at > kept_at):
            setattr(kept, name, getattr(other, name))
    stamps = [at for at in (kept_at, other_at) if at is not None]
    kept.consent_changed_at = max(stamps) if stamps else None
    if getattr(kept, "kind", None) == "unknown":
        kept.kind = other.kind
    if hasattr(kept, "call_status") and kept.call_status is None and other.call_status:
        kept.call_status, kept.call_status_at = other.call_status, other.call_status_at

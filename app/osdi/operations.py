"""OSDI's writes on people: the signup helper (match, create or update; tags), an update by
id, and taggings. Each goes through app.people's own operations, so consent, suppressions and
the audit log are what every other path gives; the audit names the key (its actor)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from app.audit.operations import record_audit
from app.core.contact import normalise_email, normalise_phone
from app.core.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.people.contacts import EMAILS, PHONES, apply_contacts
from app.people.matching import match_person
from app.people.models import Person, PersonSource
from app.people.operations import create_person, normalise_tags, update_person

#: OSDI's names of a person's plain fields -> ours.
NAME_FIELDS = {
    "given_name": "first_name",
    "family_name": "last_name",
    "additional_name": "middle_name",
    "honorific_prefix": "title",
    "honorific_suffix": "suffix",
}
_LIMITS = {"first_name": 100, "last_name": 100, "middle_name": 100, "title": 20, "suffix": 20}
_GENDERS = {"female": "F", "male": "M", "other": "X"}
MAX_CUSTOM_FIELDS = 50
#: Email statuses that mean the address must not be mailed.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_STOPPED = {"unsubscribed", "bouncing", "spam complaint"}


def as_list(value: Any, field: str) -> list[Any]:
    """A JSON list the body gives (none: empty); anything else is the client's mistake."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(f"{field} is a list.", fields={field: ["Not a list."]})
    return value


def _fields(person: dict[str, Any]) -> dict[str, Any]:
    """Doorstep's fields from an OSDI person (only what was given)."""
    fields: dict[str, Any] = {}
    for osdi, ours in NAME_FIELDS.items():
        if osdi in person:
            value = person[osdi]
            if value is not None and (not isinstance(value, str) or len(value) > _LIMITS[ours]):
                raise ValidationError(
                    f"{osdi} is text of at most {_LIMITS[ours]} characters.",
                    fields={osdi: ["Too long or not text."]},
                )
            fields[ours] = (value or "").strip() or None
    if isinstance(person.get("gender"), str):
        fields["gender"] = _GENDERS.get(person["gender"].strip().lower())
    languages = person.get("languages_spoken")
    if isinstance(languages, list) and all(isinstance(x, str) and len(x) <= 10 for x in languages):
        fields["languages"] = languages[:10]
    custom = person.get("custom_fields")
    if isinstance(custom, dict) and custom:
        if len(custom) > MAX_CUSTOM_FIELDS or any(
            len(str(k)) > 60
            or not isinstance(v, str | int | float | bool | None)
            or len(str(v)) > 1000
            for k, v in custom.items()
        ):
            raise ValidationError(
                f"custom_fields: at most {MAX_CUSTOM_FIELDS} names of 60 characters, each a "
                "text, number or boolean of 1000 characters.",
                fields={"custom_fields": ["Bad."]},
            )
        fields["custom_fields"] = {str(k): v for k, v in custom.items()}
    return fields


def _listed(value: Any, key: str) -> list[dict[str, Any]]:
    """OSDI lists of emails or phones, and Parsons' shorthand (a bare string, one dict)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items[:10]:
        if isinstance(item, str | int):
            item = {key: str(item)}
        if not isinstance(item, dict) or not isinstance(
            item.get(key, item.get("email_address")), str | int
        ):
            raise ValidationError(f"Each entry gives its {key}.", fields={key: ["Missing."]})
        out.append({**item, key: str(item.get(key, item.get("email_address")))})
    return out


def _emails(person: Person | None, osdi: dict[str, Any]) -> list[dict[str, Any]]:
    given = _listed(osdi.get("email_addresses", osdi.get("email_address")), "address")
    known = {e.address: e for e in (person.emails if person else [])}
    items = []
    for n, entry in enumerate(given):
        address = normalise_email(entry["address"])
        if len(address) > 254 or not _EMAIL.match(address):
            raise ValidationError(
                "Not an email address.", fields={f"email_addresses.{n}.address": ["Not an email."]}
            )
        item: dict[str, Any] = {"address": address}
        status, row = str(entry.get("status") or "").lower(), known.get(address)
        if status == "subscribed" and not (row is not None and row.do_not_contact):
            item["consent"] = True  # an opt-out stands: an integration cannot lift it
        elif status in _STOPPED and row is not None and row.consent:
            item.update(consent=False, do_not_contact=True)  # a real opt-out, recorded
        if entry.get("primary") is True:
            item["is_primary"] = True
        items.append(item)
    return items


def _phones(person: Person | None, osdi: dict[str, Any]) -> list[dict[str, Any]]:
    given = _listed(osdi.get("phone_numbers"), "number")
    known = {p.number: p for p in (person.phones if person else [])}
    items = []
    for n, entry in enumerate(given):
        number = normalise_phone(entry["number"], field=f"phone_numbers.{n}.number")
        item: dict[str, Any] = {"number": number}
        kind = {"mobile": "mobile", "home": "landline"}.get(
            str(entry.get("number_type") or "").lower()
        )
        if kind or entry.get("sms_capable") is True:
            item["kind"] = kind or "mobile"
        status, row = str(entry.get("status") or "").lower(), known.get(number)
        if status == "subscribed" and item.get("kind", getattr(row, "kind", "")) != "landline":
            if not (row is not None and row.do_not_contact):
                item.update(sms_consent=True, consent=True)
        elif status == "unsubscribed" and row is not None and row.sms_consent:
            item["sms_consent"] = False
        if entry.get("primary") is True:
            item["is_primary"] = True
        items.append(item)
    return items


def _visible(person: Person) -> Person:
    if person.confidential:
        # A protected voter: no integration reads or changes them (the campaign does, by hand).
        raise PermissionDenied("This person's record is protected.", code="person_protected")
    return person


def save_person(
    organization_id: int,
    osdi: dict[str, Any],
    *,
    person: Person | None = None,
    add_tags: list[str] | None = None,
    remove_tags: list[str] | None = None,
) -> tuple[Person, bool]:
    """Create or update a person from an OSDI body. With no ``person``, the one the emails or
    phones name (``match_person``), else a new one. Returns (person, whether new)."""
    now = datetime.now(UTC)
    emails, phones = _emails(person, osdi), _phones(person, osdi)
    if person is None:
        for item in emails or phones:
            key = "email" if "address" in item else "phone"
            person = match_person(organization_id, {key: item.get("address", item.get("number"))})
            if person is not None:
                break
    fields = _fields(osdi)
    tags = _tags(person, add_tags, remove_tags)
    if tags is not None:
        fields["tags"] = tags
    if person is None:
        if not (fields.get("first_name") or fields.get("last_name") or emails or phones):
            raise ValidationError(
                "Give a name, an email or a phone.", fields={"person": ["Empty."]}
            )
        person = create_person(organization_id, fields)
        person.source = PersonSource.SIGNUP
        created = True
    else:
        _visible(person)
        if fields:
            update_person(person, fields)
        created = False
    # The statuses read against what the person has now (an opt-out stands).
    emails, phones = _emails(person, osdi), _phones(person, osdi)
    for kind, items in ((EMAILS, emails), (PHONES, phones)):
        changed = apply_contacts(
            person, kind, items, replace=False, field=kind.collection, now=now, source="api"
        )
        if changed and not created:
            record_audit("person.update", entity=person, changes={kind.collection: changed})
    if isinstance(osdi.get("do_not_call"), bool) and osdi["do_not_call"]:
        update_person(person, {"do_not_call": True})  # set, never lifted from outside
    db.session.flush()
    return person, created


def _tags(person: Person | None, add: list[str] | None, remove: list[str] | None):
    add, remove = as_list(add, "add_tags"), as_list(remove, "remove_tags")
    if not add and not remove:
        return None
    for name, values in (("add_tags", add), ("remove_tags", remove)):
        if values and (
            len(values) > 50 or not all(isinstance(v, str) and 0 < len(v) <= 100 for v in values)
        ):
            raise ValidationError(
                f"{name}: up to 50 tag names of 100 characters.", fields={name: ["Bad tag names."]}
            )
    current = list(person.tags) if person is not None else []
    dropped = {t.casefold() for t in remove or []}
    kept = [t for t in current if t.casefold() not in dropped]
    return normalise_tags([*kept, *(add or [])])


def tag_person(person: Person, name: str, *, on: bool) -> Person:
    """Give the person the tag (a tagging), or take it off."""
    _visible(person)
    tags = _tags(person, [name] if on else None, None if on else [name])
    if tags is not None and tags != list(person.tags):
        update_person(person, {"tags": tags})
    return person

"""OSDI 1.2 representations of Doorstep's records, as plain functions of the records.

Each ``*_resource`` function returns the JSON object (HAL) of one resource, with its
``identifiers`` (``doorstep:ID`` first, then the foreign ids we hold), ``created_date``,
``modified_date`` and ``_links`` under ``base_url`` (the OSDI root, ending in ``/``). They
read only what they are given, so other rooms (webhooks) can send the same shapes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from app.canvass.models import Question, Script
from app.donations.models import Donation
from app.events.models import SEATED, Event, Signup, SignupStatus
from app.people.models import Interaction, Person, SurveyAnswer
from app.universes.models import Universe
from app.walklists.models import WalkList

ORIGIN = "Doorstep"


def osdi_date(value: datetime | date | None) -> str | None:
    """ISO 8601 in UTC with a Z, as OSDI's examples write it; a date as a date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def money_text(cents: int) -> str:
    """Integer cents as OSDI's decimal string, exactly (never through a float).

    >>> money_text(1005), money_text(-5), money_text(123456789012345678)
    ('10.05', '-0.05', '1234567890123456.78')
    """
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def link(href: str) -> dict[str, str]:
    return {"href": href}


def _common(
    kind: str, key: Any, created: Any, modified: Any, base_url: str, foreign: Iterable[str] = ()
) -> dict[str, Any]:
    return {
        "identifiers": [f"doorstep:{key}", *foreign],
        "origin_system": ORIGIN,
        "created_date": osdi_date(created),
        "modified_date": osdi_date(modified or created),
        "_links": {"self": link(f"{base_url}{kind}/{key}")},
    }


def tag_key(name: str) -> str:
    """A tag's id: its name in hex (tags are names on people; the id must survive a URL)."""
    return name.encode().hex()


def tag_name(key: str) -> str | None:
    try:
        return bytes.fromhex(key).decode()
    except (ValueError, UnicodeDecodeError):
        return None


# ---- people ----


def person_resource(person: Person, base_url: str, *, foreign_ids: Sequence[str] = ()) -> dict:
    """A person: names, postal address, emails with their status, phones with
    ``sms_capable`` and ``do_not_call``, languages, custom fields."""
    body = _common("people", person.id, person.created_at, person.updated_at, base_url, foreign_ids)
    body.update(
        given_name=person.first_name,
        additional_name=person.middle_name,
        family_name=person.last_name,
        honorific_prefix=person.title,
        honorific_suffix=person.suffix,
        gender=_GENDERS.get(person.gender or "", "Other") if person.gender else None,
        languages_spoken=list(person.languages or []),
        birthdate=_birthdate(person),
        postal_addresses=_postal_addresses(person),
        email_addresses=[_email(person, e) for e in person.emails],
        phone_numbers=[_phone(person, p) for p in person.phones],
        custom_fields=dict(person.custom_fields or {}),
    )
    if person.is_deceased:
        body["deceased"] = True
    self = body["_links"]["self"]["href"]
    for rel in ("taggings", "attendances", "donations", "answers", "canvasses"):
        body["_links"][f"osdi:{rel}"] = link(f"{self}/{rel}")
    body["_links"]["osdi:record_canvass_helper"] = link(f"{self}/record_canvass_helper")
    return body


_GENDERS = {"F": "Female", "M": "Male", "X": "Other", "U": "Other"}


def _birthdate(person: Person) -> dict[str, int] | None:
    if person.birth_date:
        d = person.birth_date
        return {"year": d.year, "month": d.month, "day": d.day}
    return {"year": person.birth_year} if person.birth_year else None


def _postal_addresses(person: Person) -> list[dict[str, Any]]:
    household = person.household
    if household is None or household.address is None:
        return []
    address = household.address
    line = address.line + (f" {household.unit}" if household.unit else "")
    return [
        {
            "primary": True,
            "address_lines": [line],
            "locality": address.city,
            "region": address.state,
            "postal_code": address.zip,
            "country": "US",
            "status": "Potential" if person.has_moved else "Verified",
        }
    ]


def _email(person: Person, email: Any) -> dict[str, Any]:
    subscribed = email.consent and not email.do_not_contact and not person.do_not_contact
    return {
        "primary": email.is_primary,
        "address": email.address,
        "status": "subscribed" if subscribed else "unsubscribed",
    }


def _phone(person: Person, phone: Any) -> dict[str, Any]:
    blocked = person.do_not_contact or phone.do_not_contact or phone.call_status is not None
    texts = phone.sms_consent and not blocked and phone.kind != "landline"
    return {
        "primary": phone.is_primary,
        "number": phone.number.lstrip("+"),
        "number_type": {"mobile": "Mobile", "landline": "Home"}.get(phone.kind, "Other"),
        "sms_capable": phone.kind == "mobile",
        "do_not_call": bool(blocked or person.do_not_call),
        "status": "subscribed" if texts else "unsubscribed",
    }


def tag_resource(name: str, base_url: str, *, created: Any = None, modified: Any = None) -> dict:
    body = _common("tags", tag_key(name), created, modified, base_url)
    body["name"] = name
    body["_links"]["osdi:taggings"] = link(f"{base_url}tags/{tag_key(name)}/taggings")
    return body


def tagging_resource(name: str, person: Person, base_url: str) -> dict:
    """One person's tag: its id is the person's (a person has a tag once)."""
    tag = f"{base_url}tags/{tag_key(name)}"
    body = _common(
        f"tags/{tag_key(name)}/taggings", person.id, person.created_at, person.updated_at, base_url
    )
    body["item_type"] = "osdi:person"
    body["_links"]["osdi:tag"] = link(tag)
    body["_links"]["osdi:person"] = link(f"{base_url}people/{person.id}")
    return body


def list_resource(universe: Universe, base_url: str, *, total: int | None = None) -> dict:
    """A universe as an OSDI list (its people found again on every read)."""
    body = _common("lists", universe.id, universe.created_at, universe.updated_at, base_url)
    body.update(
        name=universe.name, title=universe.name, description=universe.description, browser_url=None
    )
    if total is not None:
        body["total_items"] = total
    body["_links"]["osdi:items"] = link(f"{base_url}lists/{universe.id}/items")
    return body


def item_resource(universe_id: int, person: Person, base_url: str) -> dict:
    body = _common(
        f"lists/{universe_id}/items", person.id, person.created_at, person.updated_at, base_url
    )
    body["item_type"] = "osdi:person"
    body["_links"]["osdi:list"] = link(f"{base_url}lists/{universe_id}")
    body["_links"]["osdi:person"] = link(f"{base_url}people/{person.id}")
    return body


# ---- canvassing ----


def question_resource(question: Question, base_url: str) -> dict:
    """A script's question; its ``name`` is the key answers are stored (and filtered) under."""
    body = _common("questions", question.id, None, None, base_url)
    body.update(
        name=question.key,
        title=question.prompt,
        description=question.prompt,
        question_type={"text": "Paragraph", "multiple": "MultiChoice"}.get(
            question.kind.value, "SingleChoice"
        ),
        responses=[
            {"key": c.get("value"), "name": c.get("label"), "title": c.get("label")}
            for c in question.choices or []
        ],
    )
    body["_links"]["osdi:answers"] = link(f"{base_url}questions/{question.id}/answers")
    return body


def answer_resource(answer: SurveyAnswer, base_url: str, *, question_id: int | None) -> dict:
    body = _common("answers", answer.id, answer.answered_at, answer.answered_at, base_url)
    body.update(
        question_name=answer.question, value=answer.answer, responses=answer.answer.split(",")
    )
    body["_links"]["osdi:person"] = link(f"{base_url}people/{answer.person_id}")
    if question_id is not None:
        body["_links"]["osdi:question"] = link(f"{base_url}questions/{question_id}")
    return body


def script_resource(script: Script, base_url: str) -> dict:
    body = _common("scripts", script.id, script.created_at, script.updated_at, base_url)
    body.update(name=script.name, title=script.name, default=script.is_default)
    body["script_questions"] = [
        {"sequence": n + 1, "question": f"{base_url}questions/{q.id}"}
        for n, q in enumerate(script.questions)
    ]
    body["_links"]["osdi:questions"] = [
        link(f"{base_url}questions/{q.id}") for q in script.questions
    ]
    return body


def canvassing_effort_resource(walk_list: WalkList, base_url: str) -> dict:
    """A walk list: the doors one canvasser (or pair) is sent to."""
    body = _common(
        "canvassing_efforts", walk_list.id, walk_list.created_at, walk_list.updated_at, base_url
    )
    body.update(
        name=walk_list.name,
        title=walk_list.name,
        type="walk",
        status=walk_list.status.value,
        total_doors=walk_list.door_count,
        total_people=walk_list.people_count,
    )
    body["_links"]["osdi:canvasses"] = link(
        f"{base_url}canvassing_efforts/{walk_list.id}/canvasses"
    )
    return body


def canvass_resource(knock: Interaction, base_url: str, *, foreign_ids: Sequence[str] = ()) -> dict:
    """A door knock (or a canvass recorded through the helper) with its answers."""
    body = _common(
        "canvasses", knock.id, knock.recorded_at, knock.recorded_at, base_url, foreign_ids
    )
    data = knock.data or {}
    body.update(
        action_date=osdi_date(knock.occurred_at),
        contact_type="in-person" if knock.kind.value == "door_knock" else knock.kind.value,
        input_type=data.get("input_type", "mobile"),
        success=bool(data.get("answers")) or knock.result in (None, "", "success", "canvassed"),
        status_code=knock.result or "",
        answers=data.get("answers") or {},
    )
    body["_links"]["osdi:target"] = link(f"{base_url}people/{knock.person_id}")
    if data.get("walk_list_id"):
        body["_links"]["osdi:canvassing_effort"] = link(
            f"{base_url}canvassing_efforts/{data['walk_list_id']}"
        )
    return body


# ---- events and money ----


def event_resource(event: Event, base_url: str) -> dict:
    shifts = list(event.shifts)
    body = _common("events", event.id, event.created_at, event.updated_at, base_url)
    body.update(
        name=event.name,
        title=event.name,
        description=event.description,
        start_date=osdi_date(shifts[0].starts_at) if shifts else None,
        end_date=osdi_date(max(s.ends_at for s in shifts)) if shifts else None,
        status="cancelled" if event.status.value == "cancelled" else "confirmed",
        visibility="public" if event.visibility.value == "public" else "private",
        type=event.kind.value,
        browser_url=None,
        location={
            "venue": event.place_name,
            "address_lines": [event.address] if event.address else [],
        },
        capacity=sum(s.capacity or 0 for s in shifts) or None,
    )
    body["_links"]["osdi:attendances"] = link(f"{base_url}events/{event.id}/attendances")
    body["_links"]["osdi:record_attendance_helper"] = link(
        f"{base_url}events/{event.id}/record_attendance_helper"
    )
    return body


_ATTENDANCE_STATUS = {
    SignupStatus.CANCELLED: "declined",
    SignupStatus.PENDING: "tentative",
    SignupStatus.WAITLISTED: "tentative",
    SignupStatus.NO_SHOW: "accepted",
}


def attendance_resource(signup: Signup, event_id: int, base_url: str, *, attended: bool) -> dict:
    """A sign-up for one of the event's shifts; ``attended`` when the person checked in."""
    body = _common(
        f"events/{event_id}/attendances",
        signup.id,
        signup.created_at,
        signup.status_changed_at,
        base_url,
    )
    body.update(
        status=_ATTENDANCE_STATUS.get(signup.status, "accepted"),
        attended=attended or signup.status == SignupStatus.COMPLETED,
        seated=signup.status in SEATED,
        shift_start_date=osdi_date(signup.shift.starts_at),
    )
    body["_links"]["osdi:event"] = link(f"{base_url}events/{event_id}")
    body["_links"]["osdi:person"] = link(f"{base_url}people/{signup.person_id}")
    return body


def fundraising_page_resource(
    name: str,
    base_url: str,
    *,
    total_donations: int | None = None,
    total_amount_cents: int | None = None,
) -> dict:
    """A page gifts came through (a processor's form, by its name), like tags by name."""
    body = _common("fundraising_pages", tag_key(name), None, None, base_url)
    body.update(name=name, title=name, currency="USD")
    if total_donations is not None:
        body["total_donations"] = total_donations
        body["total_amount"] = money_text(int(total_amount_cents or 0))
    key = tag_key(name)
    body["_links"]["osdi:donations"] = link(f"{base_url}fundraising_pages/{key}/donations")
    body["_links"]["osdi:record_donation_helper"] = link(
        f"{base_url}fundraising_pages/{key}/record_donation_helper"
    )
    return body


def donation_resource(donation: Donation, base_url: str) -> dict:
    """A contribution; amounts as OSDI's decimal strings (kept as integer cents inside)."""
    foreign = []
    if donation.processor_line_id and donation.processor != "manual":
        foreign.append(f"{donation.processor}:{donation.processor_line_id}")
    body = _common(
        "donations", donation.id, donation.created_at, donation.updated_at, base_url, foreign
    )
    amount = money_text(donation.amount_cents)
    body.update(
        action_date=osdi_date(donation.received_on),
        currency="USD",
        amount=amount,
        amount_cents=donation.amount_cents,
        recipients=[{"display_name": ORIGIN, "amount": amount}],
        payment={"method": donation.method.value, "reference_number": donation.check_number},
        voided=donation.voided_at is not None,
    )
    if donation.person_id:
        body["_links"]["osdi:person"] = link(f"{base_url}people/{donation.person_id}")
    if donation.page:
        body["_links"]["osdi:fundraising_page"] = link(
            f"{base_url}fundraising_pages/{tag_key(donation.page)}"
        )
    return body

"""OSDI's writes of what people did: events (created), attendances, canvasses and donations,
each through the owning room's operation (events' sign-up and check-in, people's history and
answers with the canvass's sticky effects, donations' record with its matching and limits)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.audit.operations import record_audit
from app.canvass.effects import People
from app.canvass.models import Question
from app.core.actor import Actor
from app.core.errors import Conflict, NotFound, ValidationError
from app.donations.committee import list_elections
from app.donations.models import Donation, Method
from app.donations.operations import record_donation
from app.events.checkins import check_in_signup
from app.events.models import CheckInMethod, Event, EventKind, Signup
from app.events.operations import create_event, sign_up
from app.extensions import db
from app.knocks.models import ResultCode, ResultEffect
from app.osdi.operations import as_list
from app.people.models import Interaction, InteractionKind, Person
from app.people.operations import record_answers, record_interaction

#: The namespace of the uuids that make a client's canvass identifier apply once.
CANVASS_NAMESPACE = uuid.UUID("6b7c0a52-5d1e-4f0e-9a55-0d0c5d0a0501")


def when(value: Any, field: str) -> datetime | None:
    """An OSDI date or time ("2014-03-18T11:02:15Z", "2026-05-01 18:00:00"), in UTC."""
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(
            "Not an ISO 8601 date or time.", fields={field: ["Bad date."]}
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _text(body: dict[str, Any], name: str, limit: int, default: str = "") -> str:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str) or len(value) > limit:
        raise ValidationError(
            f"{name} is text of at most {limit} characters.",
            fields={name: ["Too long or not text."]},
        )
    return value.strip()


# ---- events ----


def create_osdi_event(actor: Actor, body: dict[str, Any]) -> Event:
    """An event from OSDI's fields: title, description, start and end, location; one shift
    from start to end (two hours when no end is given)."""
    title = _text(body, "title", 200) or _text(body, "name", 200)
    if not title:
        raise ValidationError("Give the event a title.", fields={"title": ["Required."]})
    location = body.get("location") if isinstance(body.get("location"), dict) else {}
    lines = location.get("address_lines") if isinstance(location.get("address_lines"), list) else []
    town = ", ".join(
        str(location[k])
        for k in ("locality", "region", "postal_code")
        if isinstance(location.get(k), str | int)
    )
    parts = [line for line in lines[:3] if isinstance(line, str) and line.strip()]
    address = ", ".join([*parts, town] if town else parts)
    fields: dict[str, Any] = {
        "name": title,
        "kind": EventKind.RALLY,
        "description": _text(body, "description", 5000),
        "place_name": str(location.get("venue") or "")[:200],
        "address": address[:300],
    }
    starts = when(body.get("start_date"), "start_date")
    if starts is not None:
        ends = when(body.get("end_date"), "end_date") or starts + timedelta(hours=2)
        if ends <= starts:
            raise ValidationError("An event ends after it starts.", fields={"end_date": ["Early."]})
        fields["shifts"] = [{"starts_at": starts, "ends_at": ends, "role": "attendee"}]
    return create_event(actor, fields)


def record_attendance(event: Event, person: Person, body: dict[str, Any]) -> tuple[Signup, bool]:
    """Sign the person up for the event's next shift (or the ``shift_id`` given); checked in
    as well when ``attended`` is true. Returns (sign-up, whether it checked them in now)."""
    now = datetime.now(UTC)
    shift_id = body.get("shift_id")
    if shift_id is None:
        coming = [s for s in event.shifts if s.ends_at > now]
        if not coming:
            raise Conflict("The event has no shift still to come.", code="shift_over")
        shift_id = coming[0].id
    if not isinstance(shift_id, int) or isinstance(shift_id, bool):
        raise ValidationError("shift_id is a number.", fields={"shift_id": ["Not a number."]})
    signups, _ = sign_up(event, {"shift_ids": [shift_id]}, source="api", person=person, now=now)
    checked = False
    if body.get("attended") is True:
        _, checked = check_in_signup(signups[0], method=CheckInMethod.ROSTER)
    return signups[0], checked


# ---- canvasses ----


def _question_keys(organization_id: int, answers: list[Any]) -> dict[str, Any]:
    """{question key: answer} from OSDI's add_answers (each names its question by link)."""
    out: dict[str, Any] = {}
    for n, answer in enumerate(answers[:50]):
        ref = answer.get("question") if isinstance(answer, dict) else None
        if isinstance(ref, dict):  # a link, or the question itself with its self link
            own = ref.get("_links")
            own = own.get("self") if isinstance(own, dict) else None
            ref = own.get("href") if isinstance(own, dict) else ref.get("href")
        key = str(ref or "").rstrip("/").rsplit("/", 1)[-1] if isinstance(ref, str) else ""
        question = None
        if key.isdigit() and len(key) < 18:
            question = db.session.scalar(
                select(Question).where(
                    Question.organization_id == organization_id, Question.id == int(key)
                )
            )
        if question is None:
            raise NotFound(
                "No such question.",
                code="question_not_found",
                fields={f"add_answers.{n}.question": ["Not found."]},
            )
        responses = answer.get("responses")
        value = answer.get("value")
        if isinstance(responses, list) and responses and all(isinstance(r, str) for r in responses):
            picked: Any = responses[0] if len(responses) == 1 else responses[:20]
        elif isinstance(value, str | int):
            picked = str(value)
        else:
            raise ValidationError(
                "An answer gives responses or a value.", fields={f"add_answers.{n}": ["No answer."]}
            )
        out[question.key] = picked
    return out


def record_canvass(
    organization_id: int, person: Person, body: dict[str, Any]
) -> tuple[Interaction, bool]:
    """A door knock with its answers and tags, applied once per identifier the client gives
    (``canvass.identifiers``); the result's sticky effect (moved, deceased, do not contact)
    as the canvass sync sets it. Returns (the knock, whether new)."""
    canvass = body.get("canvass") if isinstance(body.get("canvass"), dict) else {}
    given = [
        i
        for i in as_list(canvass.get("identifiers"), "canvass.identifiers")
        if isinstance(i, str) and 3 <= len(i) <= 200
    ]
    if not given:
        raise ValidationError(
            'Give the canvass an identifier of your system ("mine:123"): '
            "it is what makes a retry apply once.",
            fields={"canvass.identifiers": ["Required."]},
        )
    key = uuid.uuid5(CANVASS_NAMESPACE, f"{organization_id}:{given[0]}")
    existing = db.session.scalar(select(Interaction).where(Interaction.client_uuid == key))
    if existing is not None:
        return existing, False
    status = _text(canvass, "status_code", 40).lower().replace("-", "_")
    code = None
    if status and status != "success":
        code = db.session.scalar(
            select(ResultCode).where(
                ResultCode.organization_id == organization_id, ResultCode.code == status
            )
        )
        if code is None:
            raise ValidationError(
                f"Unknown status_code {status!r}: use a result code of the campaign.",
                fields={"canvass.status_code": ["Unknown."]},
            )
    answers = _question_keys(organization_id, as_list(body.get("add_answers"), "add_answers"))
    tags = [
        t
        for t in as_list(body.get("add_tags"), "add_tags")
        if isinstance(t, str) and 0 < len(t) <= 100
    ]
    occurred = when(canvass.get("action_date"), "canvass.action_date") or datetime.now(UTC)
    if occurred > datetime.now(UTC) + timedelta(minutes=10):
        raise ValidationError(
            "A canvass cannot be in the future.", fields={"canvass.action_date": ["In the future."]}
        )
    people = People.lock([person.id])
    effects = people.apply(person.id, code.effect if code else ResultEffect.NONE, tags[:20])
    knock = record_interaction(
        person,
        InteractionKind.DOOR_KNOCK,
        occurred_at=occurred,
        result=code.code if code else None,
        summary="Canvass (OSDI)",
        client_uuid=key,
        data={
            "answers": answers,
            "identifiers": given[:5],
            "source": "osdi",
            "input_type": _text(canvass, "input_type", 40, "api"),
            **effects,
        },
    )
    people.write()
    db.session.expire(person)
    if answers:
        record_answers(knock, answers)
    db.session.flush()
    changes = {"person_id": person.id, "kind": "door_knock", "source": "osdi"}
    record_audit("interaction.create", entity=knock, changes=changes)
    return knock, True


# ---- donations ----


def _cents(value: Any, field: str) -> int:
    try:
        text = str(value).strip()
        whole, _, part = text.partition(".")
        if not whole.isdigit() or len(part) > 2 or (part and not part.isdigit()) or len(whole) > 9:
            raise ValueError
        return int(whole) * 100 + int((part + "00")[:2])
    except ValueError:
        raise ValidationError(
            'An amount is dollars and cents: "25.00".', fields={field: ["Not an amount."]}
        ) from None


def record_osdi_donation(
    actor: Actor, page: str, person: Person, body: dict[str, Any]
) -> tuple[Donation, bool]:
    """A card gift through ``page`` for the person: amounts from ``recipients``, the election
    the soonest one on or after the gift's day; idempotent by the client's identifier."""
    donation = body.get("donation") if isinstance(body.get("donation"), dict) else body
    recipients = donation.get("recipients") if isinstance(donation.get("recipients"), list) else []
    if not recipients and "amount" in donation:
        recipients = [{"amount": donation["amount"]}]
    if not recipients or not all(isinstance(r, dict) for r in recipients):
        raise ValidationError(
            "Give recipients with an amount.", fields={"recipients": ["Required."]}
        )
    cents = sum(_cents(r.get("amount"), f"recipients.{n}.amount") for n, r in enumerate(recipients))
    received = (when(donation.get("action_date"), "action_date") or datetime.now(UTC)).date()
    elections = [e for e in list_elections(actor.organization_id) if e.held_on >= received]
    if not elections:
        raise ValidationError(
            "The campaign has no election on or after the gift's day.",
            fields={"action_date": ["No election to count it towards."]},
        )
    given = [
        i
        for i in as_list(donation.get("identifiers"), "identifiers")
        if isinstance(i, str) and len(i) <= 60
    ]
    fields: dict[str, Any] = {
        "amount_cents": cents,
        "election_id": elections[0].id,
        "received_on": received,
        "method": Method.CARD,
        "processor": "osdi",
        "page": page[:100],
        "processor_line_id": given[0] if given else None,
        "first_name": (person.first_name or "")[:30] or None,
        "last_name": (person.last_name or "")[:30] or None,
    }
    return record_donation(actor, fields, person=person)

"""Check-in at an event's door.

- A kiosk (an organiser's phone or tablet at the door) scans sign-ups' QR codes, finds people
  by name, adds walk-ins. It works offline and sends what it recorded when it can: each record
  carries the device's UUID, so a replay is applied once, and a person is checked in once per
  shift however many times they are scanned.
- Self check-in: the volunteer taps "I'm here" on their sign-up's page, near the event's place
  or with the door code the kiosk shows.
- Check-out. Checking in writes the attendance to the person's history and makes them a
  volunteer (``shift_attended``: their hours show on their profile); at a canvass launch it
  hands over the next free walk list of its turfs, at a phone bank one of its call lists.
  (No-shows and the organiser's changes by hand: ``app.events.roster``.)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.auth.models import FormSubmission
from app.auth.permissions import Permission
from app.core.actor import Actor
from app.core.codes import new_code, normalise_code
from app.core.errors import Conflict, DoorstepError, NotFound, PermissionDenied, TooManyRequests
from app.core.signals import shift_attended, signup_created
from app.events.locks import lock_signup
from app.events.models import (
    CheckIn,
    CheckInMethod,
    Event,
    EventKind,
    EventStatus,
    Shift,
    Signup,
    SignupStatus,
)
from app.events.operations import set_status, shift_label
from app.events.volunteering import sign_in_of
from app.extensions import db
from app.knocks.models import DoorKnock, KnockStatus
from app.people.matching import find_or_add_person
from app.people.models import InteractionKind, Person
from app.people.operations import record_interaction
from app.phones.operations import hand_out_call_list, handed_call_list
from app.walklists.models import WalkList, WalkListAssignment, WalkListStatus
from app.walklists.operations import assign
from app.walklists.queries import claim_url

#: Self check-in opens this long before a shift starts.
SELF_CHECK_IN_OPENS = timedelta(hours=1)
#: A device's clock is believed within this; beyond it the server's time is used.
CLOCK_SLACK = timedelta(minutes=5)
#: Wrong door codes one sign-up may try in a window.
DOOR_CODE_TRIES = 5
DOOR_CODE_WINDOW = timedelta(minutes=15)
#: Check-ins that prove who is there (their own code or phone, or a kiosk's search by name):
#: a walk list handed out is assigned to their account. A walk-in's typed details are no proof.
KNOWN_AT_THE_DOOR = (CheckInMethod.SCAN, CheckInMethod.SELF, CheckInMethod.SEARCH)
#: A signed-up person not checked in this long after the start is a no-show to follow up.
LATE_AFTER = timedelta(minutes=15)


def door_code(event: Event) -> str:
    """Six digits the kiosk shows at the door, for self check-in without location. Derived
    from the server's secret, so it needs no storage and nobody can guess it from the link."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"event-door:{event.id}:{event.code}".encode(), hashlib.sha256)
    return f"{int.from_bytes(digest.digest()[:6], 'big') % 1_000_000:06d}"


def sync_check_ins(
    actor: Actor, event: Event, device_id: str, records: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Apply a kiosk's queued records, each on its own: one refused record (an unknown code,
    walk-ins closed) does not stop the others. Returns one result per record, in order."""
    if event.status != EventStatus.SCHEDULED:
        raise Conflict("The event is cancelled.", code="event_cancelled")
    _lock_signups(event, records)
    return [_apply(event, actor.user_id, device_id, record) for record in records]


def _lock_signups(event: Event, records: list[dict[str, Any]]) -> None:
    """Take the sign-ups the batch scans or found by name at once, in id order: two kiosks
    sending the same people in other orders would each hold one and wait for the other's
    (a deadlock). The second batch waits here, then finds the first one's check-ins."""
    codes = [normalise_code(r.get("code") or "") for r in records
             if r["method"] == CheckInMethod.SCAN]  # fmt: skip
    ids = [r["signup_id"] for r in records if r["method"] == CheckInMethod.SEARCH]
    if not codes and not ids:
        return
    db.session.execute(
        select(Signup.id)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Shift.event_id == event.id, or_(Signup.checkin_code.in_(codes), Signup.id.in_(ids)))
        .order_by(Signup.id)
        .with_for_update(of=Signup, key_share=True)
    )


def _apply(event: Event, user_id: int, device_id: str, record: dict[str, Any]) -> dict[str, Any]:
    for attempt in range(2):
        known = db.session.scalar(select(CheckIn).where(CheckIn.client_uuid == record["uuid"]))
        if known is not None:
            if known.organization_id != event.organization_id:
                return _refused(record, Conflict("That record id is taken.", code="uuid_taken"))
            return _result(record, "duplicate", known)
        try:
            with db.session.begin_nested():
                signup = _signup_for(event, record)
                check_in, fresh = check_in_signup(
                    signup, method=record["method"], client_uuid=record["uuid"],
                    device_id=device_id, user_id=user_id, at=record.get("at"),
                )  # fmt: skip
            break
        except DoorstepError as error:
            return _refused(record, error)
        except IntegrityError:
            # Another kiosk added the same walk-in (or sent this record) at the same moment:
            # read again, once; what it wrote is found this time.
            if attempt:
                return _refused(record, Conflict("Recorded elsewhere at the same moment; "
                                                 "send it again.", code="retry"))  # fmt: skip
    return _result(record, "applied" if fresh else "already_checked_in", check_in)


def _refused(record: dict[str, Any], error: DoorstepError) -> dict[str, Any]:
    return {"uuid": record["uuid"], "status": "rejected", "code": error.code,
            "message": error.message, "fields": error.fields}  # fmt: skip


def _result(record: dict[str, Any], status: str, check_in: CheckIn) -> dict[str, Any]:
    return {"uuid": record["uuid"], "status": status, "check_in": check_in_row(check_in)}


def _signup_for(event: Event, record: dict[str, Any]) -> Signup:
    method = record["method"]
    if method == CheckInMethod.SCAN:
        code = normalise_code(record.get("code") or "")
        signup = db.session.scalar(select(Signup).where(Signup.checkin_code == code))
        if signup is None or signup.organization_id != event.organization_id:
            raise NotFound("No sign-up has that code.", code="checkin_code_unknown",
                           fields={"code": record.get("code")})  # fmt: skip
        if signup.shift.event_id != event.id:
            raise Conflict("That code is for another event.", code="other_event",
                           fields={"code": record.get("code")})  # fmt: skip
        return signup
    if method == CheckInMethod.SEARCH:
        signup = db.session.get(Signup, record["signup_id"])
        if signup is None or signup.shift.event_id != event.id:
            raise NotFound("No such sign-up at this event.", code="signup_not_found",
                           fields={"signup_id": record["signup_id"]})  # fmt: skip
        return signup
    return _walk_in(event, record["shift_id"], record["person"])


def _walk_in(event: Event, shift_id: int, fields: dict[str, Any]) -> Signup:
    """Somebody at the door who did not sign up: found or added (never a duplicate), then
    given a place on the shift, over its capacity if need be (they are here)."""
    shift = next((s for s in event.shifts if s.id == shift_id), None)
    if shift is None:
        raise NotFound("No such shift at this event.", code="shift_not_found",
                       fields={"shift_id": shift_id})  # fmt: skip
    if not shift.walk_ins:
        raise Conflict("This shift takes no walk-ins.", code="walk_ins_closed",
                       fields={"shift_id": shift_id})  # fmt: skip
    person, _ = find_or_add_person(event.organization_id, fields)
    signup = db.session.scalar(
        select(Signup).where(Signup.shift_id == shift.id, Signup.person_id == person.id)
    )
    if signup is None:
        signup = Signup(organization_id=event.organization_id, shift_id=shift.id,
                        person_id=person.id, status=SignupStatus.REGISTERED, source="walk_in",
                        token=secrets.token_urlsafe(32),
                        checkin_code=new_code(Signup.checkin_code))  # fmt: skip
        db.session.add(signup)
        db.session.flush()
        record_interaction(person, InteractionKind.EVENT_SIGNUP, result="walk_in",
                           summary=f"Walked in: {shift_label(shift)}",
                           data={"shift_id": shift.id, "event_id": event.id})  # fmt: skip
        signup_created.send(person, signup=signup)
    return signup


def check_in_signup(
    signup: Signup,
    *,
    method: CheckInMethod,
    client_uuid: uuid.UUID | None = None,
    device_id: str = "",
    user_id: int | None = None,
    at: datetime | None = None,
) -> tuple[CheckIn, bool]:
    """Check the sign-up's person in (once: a second scan returns the first check-in).
    Returns (check-in, whether it is new)."""
    lock_signup(signup)  # two kiosks scanning the same person make one check-in
    existing = db.session.scalar(select(CheckIn).where(CheckIn.signup_id == signup.id))
    if existing is not None:
        return existing, False
    shift = signup.shift
    event = db.session.get(Event, shift.event_id)
    check_in = CheckIn(organization_id=signup.organization_id, signup_id=signup.id,
                       shift_id=shift.id, person_id=signup.person_id, method=method,
                       client_uuid=client_uuid or uuid.uuid4(), device_id=device_id or "",
                       by_user_id=user_id, checked_in_at=_believable(at, shift))  # fmt: skip
    at_the_door = method != CheckInMethod.ROSTER and datetime.now(UTC) < shift.ends_at
    if event.kind == EventKind.CANVASS_LAUNCH and at_the_door:
        handed = next_walk_list(event)
        check_in.walk_list_id = handed.id if handed is not None else None
        if handed is not None and method in KNOWN_AT_THE_DOOR:
            _assign_to_volunteer(handed, signup.person_id, by_user_id=user_id)
    if event.kind == EventKind.PHONE_BANK and at_the_door:  # the phone bank's call list
        known = sign_in_of(signup.person_id) if method in KNOWN_AT_THE_DOOR else None
        check_in.call_list_id = hand_out_call_list(event.organization_id, event.id, known, user_id)
    db.session.add(check_in)
    set_status(signup, SignupStatus.COMPLETED)
    db.session.flush()
    record_interaction(
        db.session.get(Person, signup.person_id), InteractionKind.EVENT_ATTENDANCE,
        user_id=user_id, occurred_at=check_in.checked_in_at, result="attended",
        summary=f"Checked in: {event.name}, {shift_label(shift)}",
        data={"event_id": event.id, "shift_id": shift.id, "check_in_id": check_in.id,
              "method": method.value},
    )  # fmt: skip
    # Volunteers: a volunteer now; automation: follow-up rules on attending.
    shift_attended.send(db.session.get(Person, signup.person_id), signup=signup)
    return check_in, True


def _believable(at: datetime | None, shift: Shift) -> datetime:
    """The device's time of the scan, unless its clock is clearly wrong."""
    now = datetime.now(UTC)
    if at is None or at > now + CLOCK_SLACK or at < shift.starts_at - timedelta(hours=12):
        return now
    return min(at, now)


def self_check_in(
    signup: Signup, *, lat: float | None, lon: float | None, code: str | None
) -> CheckIn:
    """ "I'm here" from the volunteer's phone: within the configured distance of the event's
    place, or with the door code; from an hour before the shift until its end."""
    shift = signup.shift
    event = db.session.get(Event, shift.event_id)
    if event.status != EventStatus.SCHEDULED:
        raise Conflict("The event is cancelled.", code="event_cancelled")
    now = datetime.now(UTC)
    if not shift.starts_at - SELF_CHECK_IN_OPENS <= now <= shift.ends_at:
        raise Conflict("Check-in opens an hour before the shift and closes at its end.",
                       code="check_in_closed")  # fmt: skip
    if signup.status == SignupStatus.CANCELLED:
        raise Conflict("This sign-up was cancelled; ask at the door.", code="signup_cancelled")
    if code:
        _check_door_code(signup, event, code, now)
    elif lat is not None and lon is not None and event.point is not None:
        metres = distance_m(event, lat, lon)
        limit = current_app.config["DOORSTEP_SELF_CHECK_IN_METERS"]
        if metres > limit:
            raise PermissionDenied(
                f"You seem to be {metres:,.0f} m from the event; check in within {limit} m, "
                "or use the code shown at the door.", code="too_far",
                fields={"lat": [f"{metres:,.0f} m from the event"]},
            )  # fmt: skip
    else:
        raise PermissionDenied(
            "Share your location or type the code shown at the door.",
            code="location_or_code_needed",
            fields={"code": ["Give the door code, or lat and lon."]},
        )
    check_in, _ = check_in_signup(signup, method=CheckInMethod.SELF)
    return check_in


class WrongDoorCode(PermissionDenied):
    code = "wrong_door_code"
    message = "That is not the code shown at the door."
    keeps_transaction = True  # the failed try must count: six digits are few


def _check_door_code(signup: Signup, event: Event, code: str, now: datetime) -> None:
    """Five wrong tries per sign-up in 15 minutes, then a wait: the code cannot be guessed."""
    form = f"door_code:{signup.id}"
    tries = db.session.scalar(
        select(func.count()).where(
            FormSubmission.form == form, FormSubmission.submitted_at > now - DOOR_CODE_WINDOW
        )
    )
    if tries >= DOOR_CODE_TRIES:
        raise TooManyRequests("Too many wrong codes; ask at the door.", code="rate_limited",
                              retry_after=int(DOOR_CODE_WINDOW.total_seconds()))  # fmt: skip
    if not hmac.compare_digest(normalise_code(code), door_code(event)):
        db.session.add(FormSubmission(form=form, submitted_at=now))
        raise WrongDoorCode(fields={"code": ["Not the code shown at the door."]})


def distance_m(event: Event, lat: float, lon: float) -> float:
    here = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    return db.session.scalar(
        select(func.ST_Distance(func.Geography(Event.point), func.Geography(here))).where(
            Event.id == event.id
        )
    )


def check_out(check_in: CheckIn, at: datetime | None = None) -> CheckIn:
    """End of the volunteer's shift; their hours run from check-in to here."""
    moment = at or datetime.now(UTC)
    if moment < check_in.checked_in_at:
        raise Conflict("Check-out is before the check-in.", code="check_out_before_check_in",
                       fields={"at": moment.isoformat()})  # fmt: skip
    check_in.checked_out_at = moment
    db.session.flush()
    return check_in


def next_walk_list(event: Event) -> WalkList | None:
    """The launch's next list nobody holds: active, on one of the event's turfs, not handed
    to anybody at a check-in yet. Two check-ins at once never get the same list."""
    turf_ids = [t.id for t in event.turfs]
    if not turf_ids:
        return None
    held = exists().where(
        WalkListAssignment.walk_list_id == WalkList.id, WalkListAssignment.released_at.is_(None)
    )
    handed = exists().where(CheckIn.walk_list_id == WalkList.id)
    return db.session.scalar(
        select(WalkList)
        .where(WalkList.organization_id == event.organization_id)
        .where(WalkList.turf_id.in_(turf_ids), WalkList.status == WalkListStatus.ACTIVE)
        .where(WalkList.expires_at > func.now(), ~held, ~handed)
        .order_by(WalkList.name, WalkList.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def _assign_to_volunteer(walk_list: WalkList, person_id: int, by_user_id: int | None) -> None:
    """A volunteer with an account who may canvass holds the handed list at once (it is on
    their phone); one without (or a walk-in) claims it with its code. Attendance marked
    afterwards from the roster hands out nothing."""
    user_id = sign_in_of(person_id)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is not None and user.can(Permission.WALKLISTS_CLAIM):
        # The one who checked them in hands the list: the kiosk's or organiser's user, or
        # nobody (the volunteer checked themself in).
        assign(Actor(walk_list.organization_id, by_user_id, "check-in"), walk_list, [user.id])


def hours(shift: Shift, check_in: CheckIn | None, canvasser_user_id: int | None = None) -> float:
    """A volunteer's hours on a shift they attended: check-in to check-out; a canvasser with
    no check-out, first to last door knock of their sign-in that day (from the check-in);
    else the shift's length."""
    if check_in is not None and check_in.checked_out_at is not None:
        span = check_in.checked_out_at - check_in.checked_in_at
    else:
        span = shift.ends_at - shift.starts_at
        if canvasser_user_id is not None:
            since = check_in.checked_in_at if check_in is not None else shift.starts_at
            first, last = db.session.execute(
                select(func.min(DoorKnock.occurred_at), func.max(DoorKnock.occurred_at)).where(
                    DoorKnock.organization_id == shift.organization_id,
                    DoorKnock.user_id == canvasser_user_id,
                    DoorKnock.status == KnockStatus.APPLIED,
                    DoorKnock.occurred_at >= since,
                    DoorKnock.occurred_at < since + timedelta(hours=16),
                )
            ).one()
            if first is not None and last > first:
                span = last - first
    return round(max(span.total_seconds(), 0) / 3600, 2)


def _canvasser(person_id: int, shift: Shift) -> int | None:
    """At a canvass launch, the volunteer's own sign-in (their knocks time their hours)."""
    if db.session.get(Event, shift.event_id).kind != EventKind.CANVASS_LAUNCH:
        return None
    return sign_in_of(person_id)


def check_in_row(check_in: CheckIn) -> dict[str, Any]:
    shift = db.session.get(Shift, check_in.shift_id)
    person = db.session.get(Person, check_in.person_id)
    walk_list = db.session.get(WalkList, check_in.walk_list_id) if check_in.walk_list_id else None
    return {
        **{name: getattr(check_in, name) for name in (
            "id", "signup_id", "shift_id", "person_id", "method", "device_id",
            "checked_in_at", "checked_out_at")},
        "name": person.full_name,
        "hours": hours(shift, check_in, _canvasser(check_in.person_id, shift)),
        "walk_list": None if walk_list is None else {
            "id": walk_list.id, "name": walk_list.name, "code": walk_list.code,
            "claim_url": claim_url(walk_list),
        },
        "call_list": handed_call_list(check_in.call_list_id),
    }  # fmt: skip

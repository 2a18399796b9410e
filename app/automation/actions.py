"""What a rule can do, each registered as an ``ActionKind``: send a text or an email from a
template, add a tag, add to a call list, make a task for an organiser.

Opt-outs and quiet hours are read when the action is taken, never when the person entered
the rule: a text needs a phone with recorded consent for texts that has not opted out and is
no landline (``app.texting.compliance``) and waits out the recipient's quiet hours; an email
needs an address with consent that has not opted out (``may_contact(Channel.EMAIL)``) and
waits out quiet hours in the campaign's time zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from sqlalchemy import select

from app.accounts.models import User
from app.auth.permissions import Permission
from app.automation.models import FollowUpTask
from app.automation.registry import ActionKind, Outcome, Step, done, later, register_action, skipped
from app.core.errors import ValidationError
from app.core.quiet_hours import quiet_until
from app.core.schemas import StrictSchema
from app.extensions import db
from app.outreach.models import Channel as OutboxChannel
from app.outreach.operations import queue_message
from app.outreach.templates import MissingMergeField, render
from app.people.models import InteractionKind, Person
from app.people.operations import campaign_zone, lock_people, normalise_tags, record_interaction
from app.people.visibility import Channel, may_contact
from app.phones.models import CallList, CallListStatus
from app.phones.operations import add_person
from app.texting.compliance import consenting_phone, send_after
from app.texting.delivery import (
    MERGE_FIELDS,
    check_text_template,
    merge_fields,
    queue_text,
    with_opt_out,
)

_TEXT = ma.validate.Length(min=1, max=1600)


def _check_fields(source: str, field: str, given: frozenset[str]) -> None:
    """The person's merge fields and the trigger's (``event_name`` ...), nothing else."""
    allowed = (MERGE_FIELDS - {"texter_name", "campaign_name"}) | given
    check_text_template(source, field=field, allowed=allowed)


def _fields(step: Step) -> dict[str, Any]:
    facts = {k: v for k, v in step.follow_up.facts.items() if isinstance(v, str | int) and v != ""}
    return {**facts, **merge_fields(step.person)}


def _data(step: Step) -> dict[str, Any]:
    return {"rule_id": step.rule.id, "follow_up_id": step.follow_up.id}


# Send a text ----------------------------------------------------------------------------


class TextParams(StrictSchema):
    body = ma.fields.String(required=True, validate=_TEXT)


def _send_text(step: Step) -> Outcome:
    phone = consenting_phone(step.person)
    if phone is None:
        return skipped("no_textable_phone")
    after = send_after(phone.number, step.person.organization_id, step.now)
    if after is not None:
        return later(after)
    try:
        body = with_opt_out(render(step.rule.action_params["body"], _fields(step)).strip())
    except MissingMergeField:
        return skipped("merge_field_missing")
    message = queue_text(step.person, phone.number, body, kind="automation.text", now=step.now,
                         data=_data(step))  # fmt: skip
    return done({"message_id": message.id})


register_action(ActionKind(
    "send_text", "Text them (only a phone that agreed to texts; never in their quiet hours)",
    TextParams, _send_text,
    check=lambda _org, params, given: _check_fields(params["body"], "action_params.body", given),
))  # fmt: skip


# Send an email --------------------------------------------------------------------------


class EmailParams(StrictSchema):
    subject = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    body = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100_000))


def _email_address(person: Person) -> str | None:
    if db.session.scalar(select(Person.id).where(Person.id == person.id,
                                                 may_contact(Channel.EMAIL))) is None:  # fmt: skip
        return None
    emails = sorted(person.emails, key=lambda e: (not e.is_primary, e.id))
    usable = [e for e in emails if e.consent and not e.do_not_contact]
    return usable[0].address if usable else None


def _send_email(step: Step) -> Outcome:
    address = _email_address(step.person)
    if address is None:
        return skipped("no_email_consent")
    after = quiet_until(step.now, campaign_zone(step.person.organization_id))
    if after is not None:
        return later(after)
    params, fields = step.rule.action_params, _fields(step)
    try:
        subject = render(params["subject"], fields, field="subject").strip()
        body = render(params["body"], fields)
    except MissingMergeField:
        return skipped("merge_field_missing")
    message = queue_message(organization_id=step.person.organization_id,
                            channel=OutboxChannel.EMAIL, recipient=address, body=body,
                            kind="automation.email", subject=subject[:300])  # fmt: skip
    db.session.flush()
    record_interaction(step.person, InteractionKind.EMAIL, occurred_at=step.now, result="sent",
                       summary=subject[:300],
                       data={**_data(step), "channel": "email", "message_id": message.id,
                             "message_kind": "automation.email"})  # fmt: skip
    return done({"message_id": message.id})


def _check_email(_org: int, params: Mapping[str, Any], given: frozenset[str]) -> None:
    _check_fields(params["subject"], "action_params.subject", given)
    _check_fields(params["body"], "action_params.body", given)


register_action(ActionKind("send_email", "Email them (only an address with consent)",
                           EmailParams, _send_email, check=_check_email))  # fmt: skip


# Add a tag ------------------------------------------------------------------------------


class TagParams(StrictSchema):
    tag = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=60))


def _add_tag(step: Step) -> Outcome:
    [tag] = normalise_tags([step.rule.action_params["tag"]])
    lock_people(step.person)
    if tag.casefold() in {t.casefold() for t in step.person.tags}:
        return done({"tag": tag, "added": False}, f"Already tagged {tag}")
    step.person.tags = [*step.person.tags, tag]
    return done({"tag": tag, "added": True}, f"Tagged {tag}")


register_action(ActionKind("add_tag", "Add a tag to them", TagParams, _add_tag))


# Add to a call list ---------------------------------------------------------------------


class CallListParams(StrictSchema):
    call_list_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**62))


def _check_call_list(organization_id: int, params: Mapping[str, Any], _: frozenset[str]) -> None:
    call_list = db.session.get(CallList, params["call_list_id"])
    if call_list is None or call_list.organization_id != organization_id:
        raise ValidationError("No such call list.", code="call_list_not_found",
                              fields={"action_params.call_list_id": [params["call_list_id"]]},
                              )  # fmt: skip
    if call_list.status != CallListStatus.ACTIVE:
        raise ValidationError(f"The call list is {call_list.status.value}.",
                              code=f"call_list_{call_list.status.value}",
                              fields={"action_params.call_list_id": [call_list.id]})  # fmt: skip


def _add_to_call_list(step: Step) -> Outcome:
    """On the phone bank's call list (``app.phones``): callers are handed them like anybody
    on it, with its calling hours, script and results."""
    list_id = step.rule.action_params["call_list_id"]
    outcome = add_person(step.person.organization_id, list_id, step.person.id)
    if outcome not in {"added", "again", "already"}:
        return skipped(outcome)
    return done({"call_list_id": list_id, "outcome": outcome}, "Put on a call list")


register_action(ActionKind("add_to_call_list", "Put them on a call list", CallListParams,
                           _add_to_call_list, check=_check_call_list))  # fmt: skip


# Make a task for an organiser -----------------------------------------------------------


class TaskParams(StrictSchema):
    assignee_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**62))
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    notes = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))


def _assignee(organization_id: int, user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    if user is None or user.organization_id != organization_id or not user.is_active:
        return None
    return user if user.can(Permission.TASKS_WORK) else None


def _check_task(organization_id: int, params: Mapping[str, Any], given: frozenset[str]) -> None:
    _check_fields(params["title"], "action_params.title", given)
    if _assignee(organization_id, params["assignee_id"]) is None:
        raise ValidationError(
            "No such organiser to give the task to.", code="assignee_not_found",
            fields={"action_params.assignee_id": [params["assignee_id"]]},
        )  # fmt: skip


def _create_task(step: Step) -> Outcome:
    params = step.rule.action_params
    if _assignee(step.person.organization_id, params["assignee_id"]) is None:
        return skipped("assignee_gone")
    try:
        title = render(params["title"], _fields(step), field="title").strip()[:200]
    except MissingMergeField:
        return skipped("merge_field_missing")
    task = FollowUpTask(organization_id=step.person.organization_id,
                        assignee_id=params["assignee_id"], person_id=step.person.id,
                        rule_id=step.rule.id, title=title, notes=params.get("notes", ""),
                        created_at=step.now)  # fmt: skip
    db.session.add(task)
    db.session.flush()
    return done({"task_id": task.id}, f"Task for an organiser: {title}")


register_action(ActionKind("create_task", "Give an organiser a task about them", TaskParams,
                           _create_task, check=_check_task))  # fmt: skip

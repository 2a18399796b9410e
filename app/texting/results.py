"""Results and survey answers recorded from a text thread: the canvass script's questions
and the campaign's result codes (``app.canvass``, ``app.knocks``), with the same rules as at
the door (answers go with "canvassed"; a yes to a tagged question adds its tag; a result's
sticky effect, such as Hostile's do-not-contact, holds everywhere), plus ``wrong_number``:
a wrong number belongs to the number, not the person, so that phone is never texted again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.canvass.checks import Rejected, check_answers
from app.canvass.defaults import ensure_defaults
from app.canvass.effects import People, script_tags
from app.canvass.models import Script
from app.core.actor import Actor
from app.core.errors import ValidationError
from app.core.signals import contacts_recorded
from app.extensions import db
from app.knocks.models import ResultCode, ResultEffect
from app.people.models import Interaction, InteractionKind, Person, PersonPhone
from app.people.operations import record_answers, record_interaction
from app.texting.models import Conversation, ConversationStatus, TextCampaign

WRONG_NUMBER = "wrong_number"


def script_of(campaign: TextCampaign) -> Script | None:
    """The campaign's script, else the campaign's default one."""
    ensure_defaults(campaign.organization_id)
    if campaign.script_id is not None:
        return db.session.get(Script, campaign.script_id)
    return db.session.scalar(
        select(Script).where(Script.organization_id == campaign.organization_id, Script.is_default)
    )


def result_codes(organization_id: int) -> dict[str, ResultCode]:
    ensure_defaults(organization_id)
    codes = db.session.scalars(
        select(ResultCode)
        .where(ResultCode.organization_id == organization_id, ResultCode.is_active)
        .order_by(ResultCode.position, ResultCode.id)
    )
    return {code.code: code for code in codes}


def record_result(
    actor: Actor,
    conversation: Conversation,
    *,
    result: str | None,
    answers: dict[str, Any],
    close: bool,
    now: datetime | None = None,
) -> Interaction:
    """Write what the thread told us on the person's history, answers and all; close the
    conversation when asked (or for a wrong number)."""
    now = now or datetime.now(UTC)
    campaign = db.session.get(TextCampaign, conversation.campaign_id)
    script = script_of(campaign)
    try:
        checked = check_answers(script, answers)
    except Rejected as exc:
        raise ValidationError(exc.message, code=exc.code, fields=exc.fields) from None
    codes = result_codes(conversation.organization_id)
    result = result or ("canvassed" if checked else None)
    if result is None:
        raise ValidationError("Give a result or answers.", code="no_result",
                              fields={"result": ["Missing."]})  # fmt: skip
    if checked and result != "canvassed":
        raise ValidationError("Answers go with the result 'canvassed' only.",
                              code="answers_with_result", fields={"result": [result]})  # fmt: skip
    if result not in codes and result != WRONG_NUMBER:
        raise ValidationError(f"Unknown result code {result!r}.", code="unknown_result",
                              fields={"result": [result]})  # fmt: skip
    person = db.session.get(Person, conversation.person_id)
    label = codes[result].label if result in codes else "Wrong Number"
    data = {"conversation_id": conversation.id, "text_campaign_id": campaign.id,
            "number": conversation.number, "answers": checked}  # fmt: skip
    if result == WRONG_NUMBER:
        _wrong_number(person, conversation.number, now)
    else:
        people = People.lock([person.id])
        effect = codes[result].effect if result in codes else ResultEffect.NONE
        data.update(people.apply(person.id, effect, script_tags(script, checked)))
        people.write()
    interaction = record_interaction(person, InteractionKind.TEXT, user_id=actor.user_id,
                                     occurred_at=now, result=result, summary=label,
                                     data=data)  # fmt: skip
    if checked:
        record_answers(interaction, checked)
    conversation.result = result
    if close or result == WRONG_NUMBER:
        conversation.status = ConversationStatus.CLOSED
    db.session.flush()
    contacts_recorded.send(conversation.organization_id, contacts=[
        {"person_id": person.id, "interaction_id": interaction.id, "kind": InteractionKind.TEXT,
         "result": result, "answers": checked, "occurred_at": now}])  # fmt: skip
    return interaction


def _wrong_number(person: Person, number: str, now: datetime) -> None:
    phone = db.session.scalar(
        select(PersonPhone)
        .where(PersonPhone.person_id == person.id, PersonPhone.number == number)
        .with_for_update()
    )
    if phone is not None:
        phone.do_not_contact, phone.sms_consent, phone.consent_changed_at = True, False, now

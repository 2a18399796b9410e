"""Canvass results out in NGP VAN's shapes, so a campaign can push its door and phone work
into VAN: the body of ``POST /people/{vanId}/canvassResponses`` per knock or call (a call
from a call list goes with VAN's contact type Phone), and the bulk-upload "Canvass Results"
CSV.

VAN takes a result code *or* responses, never both (responses imply Canvassed). A person is
named by their VAN ID when the campaign has it (``custom_fields.van_id``, as a VAN export
carries it), else by the state voter file id (``StateFileID``); someone with neither, a
result with no VAN result id, or a Canvassed knock with no mapped answers is listed as
skipped with the reason instead of being sent wrong. A knock of a person who may no longer be
contacted (confidential, deceased, do-not-contact; for a call, do-not-call too) is skipped
as ``person_protected``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, and_, case, func, or_, select

from app.accounts.models import User
from app.canvass.models import Question, QuestionKind, Script
from app.core.errors import ValidationError
from app.extensions import db
from app.knocks.models import ResultCode, ResultEffect
from app.people.models import Interaction, InteractionKind, Person
from app.people.operations import campaign_zone
from app.people.visibility import Channel, is_listable, may_contact
from app.voters.models import Registration

#: VAN's contact types "Phone" and "Walk", input type "API" (defaults; a campaign may override).
CONTACT_TYPE_PHONE, CONTACT_TYPE_WALK, INPUT_TYPE_API = 1, 2, 11
#: The results whose own knock or call tells VAN to leave the person alone.
REPORTED_EFFECTS = (ResultEffect.DECEASED, ResultEffect.DO_NOT_CONTACT, ResultEffect.DO_NOT_CALL)
CSV_COLUMNS = ["VanID", "StateFileID", "ContactTypeID", "InputTypeID", "ResultID",
               "DateCanvassed", "CanvassedBy"]  # fmt: skip
MAX_ROWS = 50_000


@dataclass
class Knock:
    interaction_id: int
    person_id: int
    van_id: str | None
    state_file_id: str | None
    result: str | None
    answers: dict[str, Any]
    occurred_at: datetime
    canvasser: str
    listable: bool  # not confidential (app.people.visibility.is_listable)
    contactable: bool  # may still be knocked for (may_contact at the door); called, for a call
    is_call: bool = False


def export(organization_id: int, args: Mapping[str, Any]) -> dict[str, Any]:
    """The live door knocks in ``args``' window as VAN canvass responses, and what was
    skipped and why."""
    zone = campaign_zone(organization_id)
    codes = {
        c.code: c
        for c in db.session.scalars(
            select(ResultCode).where(ResultCode.organization_id == organization_id)
        )
    }
    questions = _questions(organization_id)
    contact_types = {
        False: args.get("contact_type_id") or CONTACT_TYPE_WALK,
        True: args.get("phone_contact_type_id") or CONTACT_TYPE_PHONE,
    }
    items, skipped = [], []
    for knock in _knocks(organization_id, args):
        reason, body = _body(knock, codes, questions)
        if not _may_send(knock, codes.get(knock.result or "")):
            reason, body = "person_protected", None
        if reason is None and not (knock.van_id or knock.state_file_id):
            reason = "no_van_id"
        if reason:
            skipped.append({"interaction_id": knock.interaction_id,
                            "person_id": knock.person_id, "reason": reason})  # fmt: skip
            continue
        body["canvassContext"] = {
            "contactTypeId": contact_types[knock.is_call],
            "inputTypeId": args.get("input_type_id") or INPUT_TYPE_API,
            "dateCanvassed": knock.occurred_at.astimezone(zone).isoformat(timespec="seconds"),
        }
        items.append(
            {
                "interaction_id": knock.interaction_id,
                "person_id": knock.person_id,
                "van_id": knock.van_id,
                "state_file_id": knock.state_file_id,
                "path": _path(knock),
                "canvass_response": body,
                "canvassed_by": knock.canvasser,
            }
        )
    return {"items": items, "skipped": skipped}


def to_csv_rows(exported: dict[str, Any]) -> list[dict[str, Any]]:
    """One bulk-upload row per exported knock that carries a result id (answered knocks go
    through the JSON responses, whose Canvassed result VAN implies)."""
    rows = []
    for item in exported["items"]:
        body = item["canvass_response"]
        if body.get("resultCodeId") is None:
            continue
        rows.append(
            {
                "VanID": item["van_id"] or "",
                "StateFileID": "" if item["van_id"] else item["state_file_id"],
                "ContactTypeID": body["canvassContext"]["contactTypeId"],
                "InputTypeID": body["canvassContext"]["inputTypeId"],
                "ResultID": body["resultCodeId"],
                "DateCanvassed": body["canvassContext"]["dateCanvassed"][:10],
                "CanvassedBy": item["canvassed_by"],
            }
        )
    return rows


def _may_send(knock: Knock, code: ResultCode | None) -> bool:
    """A protected person's knocks stay here, read when the export runs. One exception: the
    knock whose own result made a (not confidential) person deceased or do-not-contact still
    goes, since that is how VAN learns to leave them alone too."""
    if knock.contactable:
        return True
    reports = code is not None and code.effect in REPORTED_EFFECTS
    return knock.listable and reports


def _path(knock: Knock) -> str:
    if knock.van_id:
        return f"people/{knock.van_id}/canvassResponses"
    return f"people/StateFileID:{knock.state_file_id}/canvassResponses"


def _body(knock: Knock, codes: dict[str, ResultCode], questions: dict[str, Question]):
    responses = []
    for key, value in sorted(knock.answers.items()):
        question = questions.get(key)
        van = (question.van if question else None) or {}
        for one in value if isinstance(value, list) else [value]:
            response_id = van.get("responses", {}).get(one)
            if van.get("survey_question_id") and response_id:
                responses.append({"surveyQuestionId": van["survey_question_id"],
                                  "surveyResponseId": response_id,
                                  "type": "SurveyResponse"})  # fmt: skip
        applies = question and question.kind == QuestionKind.YES_NO and value == "yes"
        if applies and van.get("activist_code_id"):
            responses.append({"activistCodeId": van["activist_code_id"],
                              "action": "Apply", "type": "ActivistCode"})  # fmt: skip
    if responses:
        return None, {"resultCodeId": None, "responses": responses}
    code = codes.get(knock.result or "")
    if code is None or code.van_result_id is None:
        return "result_not_mapped", None
    return None, {"resultCodeId": code.van_result_id}


def _questions(organization_id: int) -> dict[str, Question]:
    """Question key -> question; the default script's wins where scripts share a key."""
    scripts = db.session.scalars(
        select(Script)
        .where(Script.organization_id == organization_id)
        .order_by(Script.is_default, Script.id)
    )
    return {q.key: q for script in scripts for q in script.questions}


def _knocks(organization_id: int, args: Mapping[str, Any]) -> list[Knock]:
    # A call made from a call list (call time's calls are the money's, not VAN's).
    is_call = and_(
        Interaction.kind == InteractionKind.CALL, Interaction.data.has_key("call_list_id")
    )
    state_file_id = (
        select(Registration.state_key)
        .where(Registration.person_id == Interaction.person_id)
        .order_by(Registration.id)
        .limit(1)
        .scalar_subquery()
    )
    stmt = (
        select(
            Interaction.id,
            Interaction.person_id,
            Person.custom_fields["van_id"].astext,
            state_file_id,
            Interaction.result,
            Interaction.data["answers"],
            Interaction.occurred_at,
            # A keyed sheet's canvasser without an account is named as the sheet names them.
            func.coalesce(Interaction.data["canvasser_name"].astext, User.name, ""),
            is_listable(),
            case(
                (is_call, and_(may_contact(Channel.DOOR), Person.do_not_call.is_(False))),
                else_=may_contact(Channel.DOOR),
            ),
            is_call,
        )
        .join(Person, Person.id == Interaction.person_id)
        .outerjoin(User, User.id == Interaction.user_id)
        .where(
            Interaction.organization_id == organization_id,
            or_(Interaction.kind == InteractionKind.DOOR_KNOCK, is_call),
            Interaction.voided_at.is_(None),
        )
        .order_by(Interaction.occurred_at, Interaction.id)
        .limit(MAX_ROWS + 1)
    )
    if args.get("since"):
        stmt = stmt.where(Interaction.occurred_at >= args["since"])
    if args.get("until"):
        stmt = stmt.where(Interaction.occurred_at < args["until"])
    for key in ("walk_list_id", "call_list_id"):
        if args.get(key):
            stmt = stmt.where(Interaction.data[key].astext.cast(BigInteger) == args[key])
    rows = db.session.execute(stmt).all()
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"More than {MAX_ROWS:,} knocks: export a shorter time.",
                              fields={"since": "too wide"})  # fmt: skip
    return [Knock(*row[:5], row[5] or {}, *row[6:]) for row in rows]

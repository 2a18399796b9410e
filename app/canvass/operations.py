"""Verbs on a campaign's canvass setup: result codes and scripts. Each flushes and writes its
audit record; the caller commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from app.audit.operations import record_audit
from app.canvass.defaults import SUPPORT_CHOICES, ensure_defaults
from app.canvass.models import Question, QuestionKind, Script
from app.core.errors import Conflict, NotFound, ValidationError
from app.extensions import db
from app.knocks.models import ResultCode


def get_result_code(organization_id: int, code_id: int) -> ResultCode:
    found = db.session.get(ResultCode, code_id) if code_id < 2**63 else None
    if found is None or found.organization_id != organization_id:
        raise NotFound("No such result code.", code="result_code_not_found")
    return found


def create_result_code(organization_id: int, fields: dict[str, Any]) -> ResultCode:
    ensure_defaults(organization_id)
    taken = db.session.scalar(
        select(ResultCode.id).where(
            ResultCode.organization_id == organization_id, ResultCode.code == fields["code"]
        )
    )
    if taken:
        raise Conflict(f"The code {fields['code']!r} exists already.", code="result_code_exists",
                       fields={"code": fields["code"]})  # fmt: skip
    code = ResultCode(organization_id=organization_id, **fields)
    db.session.add(code)
    db.session.flush()
    record_audit("result_codes.create", entity=code, changes=_plain(fields))
    return code


def update_result_code(code: ResultCode, changes: dict[str, Any]) -> ResultCode:
    """Labels, contact flag, sticky effect, order, active; the code itself never changes
    (old knocks name it)."""
    for name, value in changes.items():
        setattr(code, name, value)
    db.session.flush()
    record_audit("result_codes.update", entity=code, changes=_plain(changes))
    return code


def get_script(organization_id: int, script_id: int) -> Script:
    found = db.session.get(Script, script_id) if script_id < 2**63 else None
    if found is None or found.organization_id != organization_id:
        raise NotFound("No such script.", code="script_not_found")
    return found


def save_script(organization_id: int, fields: dict[str, Any], script: Script | None = None):
    """Create a script, or replace one's name and questions. Answers already given stay in
    the history under their question keys."""
    questions = _checked_questions(fields["questions"])
    if script is None:
        ensure_defaults(organization_id)
        script = Script(organization_id=organization_id)
        db.session.add(script)
    script.name = fields["name"]
    script.questions.clear()
    db.session.flush()  # the old questions go first: the new ones may reuse their keys
    script.questions = [
        Question(organization_id=organization_id, position=n, **q) for n, q in enumerate(questions)
    ]
    db.session.flush()
    if fields.get("is_default"):
        db.session.execute(
            update(Script)
            .where(Script.organization_id == organization_id, Script.id != script.id)
            .values(is_default=False)
        )
        script.is_default = True
    db.session.flush()
    record_audit(
        "scripts.save",
        entity=script,
        changes={"name": script.name, "questions": [q["key"] for q in questions]},
    )
    return script


def _checked_questions(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for n, question in enumerate(questions):
        where = f"questions.{n}"
        if question["key"] in seen:
            raise ValidationError(f"Question key {question['key']!r} is used twice.",
                                  fields={f"{where}.key": "duplicate"})  # fmt: skip
        kind = question["kind"]
        if kind == QuestionKind.SUPPORT and not question["choices"]:
            question = {**question, "choices": SUPPORT_CHOICES}
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(question["choices"]) < 2:
            raise ValidationError("A choice question needs at least two choices.",
                                  fields={f"{where}.choices": "too few"})  # fmt: skip
        condition = question.get("show_if")
        if condition:
            before = seen.get(condition["question"])
            if before is None:
                raise ValidationError(
                    "show_if must name an earlier question of the script.",
                    fields={f"{where}.show_if.question": condition["question"]},
                )
            if before["kind"] not in (QuestionKind.TEXT,):
                allowed = {c["value"] for c in before["choices"]} or {"yes", "no"}
                unknown = [a for a in condition["answers"] if a not in allowed]
                if unknown:
                    raise ValidationError(
                        f"{unknown[0]!r} is not an answer to {condition['question']!r}.",
                        fields={f"{where}.show_if.answers": unknown},
                    )
        _check_van(question, where)
        if question.get("tag") and kind != QuestionKind.YES_NO:
            raise ValidationError("Only a yes/no question adds a tag.",
                                  fields={f"{where}.tag": "yes/no only"})  # fmt: skip
        seen[question["key"]] = question
    return list(seen.values())


def _check_van(question: dict[str, Any], where: str) -> None:
    """VAN response ids name answers the question has; an activist code needs a yes/no."""
    van = question.get("van")
    if not van:
        return
    kind = question["kind"]
    allowed = {c["value"] for c in question["choices"]} or (
        {"yes", "no"} if kind == QuestionKind.YES_NO else set()
    )
    unknown = [value for value in van["responses"] if value not in allowed]
    if unknown:
        raise ValidationError(f"{unknown[0]!r} is not an answer to {question['key']!r}.",
                              fields={f"{where}.van.responses": unknown})  # fmt: skip
    if van["responses"] and not van.get("survey_question_id"):
        raise ValidationError("Response ids need the VAN survey question id.",
                              fields={f"{where}.van.survey_question_id": "missing"})  # fmt: skip
    if van.get("activist_code_id") and kind != QuestionKind.YES_NO:
        raise ValidationError("Only a yes/no question applies an activist code.",
                              fields={f"{where}.van.activist_code_id": "yes/no only"})  # fmt: skip


def _plain(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: getattr(v, "value", v) for k, v in fields.items()}

"""Checks of a synced record that reject it with a reason: answers against the script
(known questions, allowed values, branches taken)."""

from __future__ import annotations

from typing import Any

from app.canvass.models import QuestionKind, Script


class Rejected(Exception):
    """A record that cannot be applied: it stays on the phone, marked with the reason."""

    def __init__(self, code: str, message: str, fields: dict[str, Any] | None = None):
        super().__init__(message)
        self.code, self.message, self.fields = code, message, fields


SUPPORT_VALUES = ("1", "2", "3", "4", "5")
YES_NO_VALUES = ("yes", "no")


def check_answers(script: Script | None, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as stored (a multiple choice as a sorted list); a bad one raises
    ``Rejected`` naming the question."""
    if not answers:
        return {}
    questions = {q.key: q for q in (script.questions if script else [])}
    checked: dict[str, Any] = {}
    for key, value in answers.items():
        question = questions.get(key)
        if question is None:
            raise Rejected("unknown_question", f"The script has no question {key!r}.",
                           {f"answers.{key}": "unknown"})  # fmt: skip
        allowed = _allowed(question)
        if question.kind == QuestionKind.MULTIPLE:
            values = value if isinstance(value, list) else [value]
            bad = [v for v in values if v not in allowed]
            value = sorted(set(values))
        elif question.kind == QuestionKind.TEXT:
            bad = [] if isinstance(value, str) else [value]
        else:
            bad = [value] if not isinstance(value, str) or value not in allowed else []
        if bad:
            raise Rejected("bad_answer", f"{bad[0]!r} is not an answer to {key!r}.",
                           {f"answers.{key}": bad})  # fmt: skip
        checked[key] = value
    for key in checked:
        condition = questions[key].show_if
        if condition and checked.get(condition["question"]) not in condition["answers"]:
            raise Rejected(
                "branch_not_taken",
                f"{key!r} is asked only after {condition['question']!r} is one of "
                f"{', '.join(condition['answers'])}.",
                {f"answers.{key}": "not asked"},
            )
    return checked


def _allowed(question) -> tuple[str, ...]:
    if question.kind == QuestionKind.SUPPORT:
        return SUPPORT_VALUES
    if question.kind == QuestionKind.YES_NO:
        return YES_NO_VALUES
    return tuple(choice["value"] for choice in question.choices or [])

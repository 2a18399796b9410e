"""The result codes and script a campaign starts with (DOMAIN.md's short list; the codes
themselves: ``app.knocks.results``); each campaign edits its own copy."""

from __future__ import annotations

from sqlalchemy import func, select

from app.canvass.models import Question, QuestionKind, Script
from app.extensions import db
from app.knocks.models import ResultCode
from app.knocks.results import RESULT_CODES

SUPPORT_CHOICES = [
    {"value": "1", "label": "Strong support", "label_es": "Apoyo firme"},
    {"value": "2", "label": "Lean support", "label_es": "Inclinado a apoyar"},
    {"value": "3", "label": "Undecided", "label_es": "Indeciso"},
    {"value": "4", "label": "Lean oppose", "label_es": "Inclinado a oponerse"},
    {"value": "5", "label": "Strong oppose", "label_es": "Oposición firme"},
]

DEFAULT_QUESTIONS = (
    {
        "key": "support",
        "prompt": "Can we count on your support?",
        "prompt_es": "¿Podemos contar con su apoyo?",
        "kind": QuestionKind.SUPPORT,
        "choices": SUPPORT_CHOICES,
    },
    {
        "key": "top_issue",
        "prompt": "What issue matters most to you?",
        "prompt_es": "¿Qué tema le importa más?",
        "kind": QuestionKind.SINGLE,
        "choices": [
            {"value": "economy", "label": "Jobs and the economy", "label_es": "Empleo y economía"},
            {"value": "health", "label": "Health care", "label_es": "Salud"},
            {"value": "schools", "label": "Schools", "label_es": "Escuelas"},
            {"value": "safety", "label": "Public safety", "label_es": "Seguridad"},
            {"value": "housing", "label": "Housing", "label_es": "Vivienda"},
        ],
    },
    {
        "key": "volunteer",
        "prompt": "Would you volunteer with us?",
        "prompt_es": "¿Le gustaría ser voluntario?",
        "kind": QuestionKind.YES_NO,
        "show_if": {"question": "support", "answers": ["1", "2"]},
        "tag": "volunteer prospect",
    },
)


def ensure_defaults(organization_id: int) -> None:
    """Give a campaign the default result codes and script the first time it needs them.

    Many phones may sync a campaign's first knocks at once: the first to arrive makes the
    defaults under a lock on the campaign, the others find them made."""
    if _has_defaults(organization_id):
        return
    db.session.execute(
        select(func.pg_advisory_xact_lock(func.hashtext("canvass-defaults"), organization_id))
    )
    has_codes = db.session.scalar(
        select(ResultCode.id).where(ResultCode.organization_id == organization_id).limit(1)
    )
    if not has_codes:
        db.session.add_all(
            ResultCode(
                organization_id=organization_id,
                code=code,
                label=label,
                label_es=label_es,
                is_contact=is_contact,
                effect=effect,
                position=n,
                channels=list(channels),
            )
            for n, (code, label, label_es, is_contact, effect, channels) in enumerate(RESULT_CODES)
        )
    has_script = db.session.scalar(
        select(Script.id).where(Script.organization_id == organization_id).limit(1)
    )
    if not has_script:
        script = Script(organization_id=organization_id, name="Door script", is_default=True)
        script.questions = [
            Question(organization_id=organization_id, position=n, **fields)
            for n, fields in enumerate(DEFAULT_QUESTIONS)
        ]
        db.session.add(script)
    db.session.flush()


def _has_defaults(organization_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(ResultCode.id).where(ResultCode.organization_id == organization_id).limit(1)
        )
        and db.session.scalar(
            select(Script.id).where(Script.organization_id == organization_id).limit(1)
        )
    )

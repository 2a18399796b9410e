"""The scripts a campaign asks at the door, and the batches its canvassers' phones sync. (The
knocks themselves and their result codes: ``app.knocks``.)"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db
from app.knocks.models import KnockStatus


class QuestionKind(StrEnum):
    SUPPORT = "support"  # 1 strong support ... 5 strong oppose
    SINGLE = "single"
    MULTIPLE = "multiple"
    YES_NO = "yes_no"
    TEXT = "text"


class Script(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """The questions asked at the door, in order; one is the campaign's default."""

    __tablename__ = "scripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    is_default: Mapped[bool] = mapped_column(server_default=text("false"))

    questions = relationship("Question", order_by="Question.position", cascade="all, delete-orphan")

    __audit_values__ = ("name", "is_default")


class Question(OrganizationOwnedMixin, db.Model):
    """One question of a script. ``key`` is the short name the answers are stored under (and
    that universes filter on); ``show_if`` branches: ``{"question": "support", "answers":
    ["1", "2"]}`` shows it only after one of those answers."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("script_id", "key"),)
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    script_id: Mapped[int] = mapped_column(ForeignKey("scripts.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    prompt: Mapped[str] = mapped_column(String(500))
    prompt_es: Mapped[str] = mapped_column(String(500), server_default="")
    kind: Mapped[QuestionKind] = mapped_column(text_enum(QuestionKind, "question_kind"))
    #: [{"value": "economy", "label": "Economy", "label_es": "Economía"}, ...]
    choices: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    show_if: Mapped[dict[str, Any] | None]
    #: A yes (yes/no questions) adds this tag to the person ("volunteer prospect").
    tag: Mapped[str | None] = mapped_column(String(60))
    #: Where the answers go in NGP VAN: {"survey_question_id": 123, "responses": {"1": 456},
    #: "activist_code_id": 789} (an activist code is applied on a yes).
    van: Mapped[dict[str, Any] | None]
    position: Mapped[int] = mapped_column(server_default=text("0"))


class SyncBatch(OrganizationOwnedMixin, db.Model):
    """One batch a phone sent, as received: what a director holds, releases or rolls back
    when a canvasser's work looks wrong (knocks seconds apart, far from the doors)."""

    __tablename__ = "sync_batches"
    __table_args__ = (Index("ix_sync_batches_user_id_received_at", "user_id", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[str] = mapped_column(String(80), server_default="")
    received_at: Mapped[datetime] = mapped_column(server_default=func.now())
    records: Mapped[int] = mapped_column(server_default=text("0"))
    applied: Mapped[int] = mapped_column(server_default=text("0"))
    duplicates: Mapped[int] = mapped_column(server_default=text("0"))
    rejected: Mapped[int] = mapped_column(server_default=text("0"))
    status: Mapped[KnockStatus] = mapped_column(
        text_enum(KnockStatus, "knock_status"), server_default=KnockStatus.APPLIED.value
    )
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    review_reason: Mapped[str] = mapped_column(String(500), server_default="")
    #: The phone's clock when it sent the batch (None from phones that do not say).
    sent_at: Mapped[datetime | None]
    #: The phone's clock minus ours at the sync, in seconds (None without ``sent_at``).
    clock_offset_s: Mapped[float | None]
    #: Why the batch's times or doors look wrong (``app.canvass.signs``): ["dated_before_claim"].
    flags: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))

    __audit_values__ = ("status", "review_reason")

"""Follow-up rules, each person's entry into a rule (one per trigger event), and what the
rules leave for organisers: tasks."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db


class FollowUpRule(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """When ``trigger`` happens to a person (matching ``trigger_params``), wait ``delay``,
    then, if they still fit ``conditions`` (a universe filter), do ``action``."""

    __tablename__ = "follow_up_rules"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: A kind registered in ``app.automation.triggers`` (contact, signup, attended ...).
    trigger: Mapped[str] = mapped_column(String(40))
    trigger_params: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    conditions: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    delay_minutes: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    #: A kind registered in ``app.automation.actions`` (send_text, add_tag ...).
    action: Mapped[str] = mapped_column(String(40))
    action_params: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __audit_values__ = ("name", "trigger", "delay_minutes", "action", "is_active")


class FollowUpStatus(StrEnum):
    WAITING = "waiting"  # the delay (or the recipient's quiet hours) is not over
    DONE = "done"  # the action was taken
    SKIPPED = "skipped"  # not taken, and why (``reason``): opted out, no longer fits ...


class FollowUp(OrganizationOwnedMixin, db.Model):
    """A person entered a rule for one trigger event (``event_key``: "interaction:12",
    "signup:3"): once, however often the event is told (the unique key)."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        UniqueConstraint("rule_id", "person_id", "event_key"),
        Index("ix_follow_ups_due", "due_at", postgresql_where=text("status = 'waiting'")),
        Index("ix_follow_ups_person_id", "person_id"),
    )
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("follow_up_rules.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    event_key: Mapped[str] = mapped_column(String(80))
    #: What the trigger said (the answers, the event's name): conditions and templates read it.
    facts: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    entered_at: Mapped[datetime]
    due_at: Mapped[datetime]
    status: Mapped[FollowUpStatus] = mapped_column(
        text_enum(FollowUpStatus, "follow_up_status"), server_default=FollowUpStatus.WAITING.value
    )
    reason: Mapped[str | None] = mapped_column(String(40))
    done_at: Mapped[datetime | None]
    #: What the action made (the message's id, the task's id ...).
    result: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))

    person = relationship("Person", lazy="joined", viewonly=True)


class FollowUpTask(OrganizationOwnedMixin, db.Model):
    """Something for an organiser to do about a person ("call Rosa about volunteering")."""

    __tablename__ = "follow_up_tasks"
    __table_args__ = (Index("ix_follow_up_tasks_assignee_id_done_at", "assignee_id", "done_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("follow_up_rules.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    person = relationship("Person", lazy="joined", viewonly=True)

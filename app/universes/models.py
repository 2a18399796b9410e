"""Universes: saved, re-runnable searches over the campaign's people."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db


class HouseholdMode(StrEnum):
    PERSON = "person"  # every matching person
    ONE_PER_HOUSEHOLD = "one_per_household"  # one matching person per door
    WHOLE_HOUSEHOLD = "whole_household"  # everyone at a door where someone matches


class Universe(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """A named filter (see ``app.universes.filters``); the people are found again on every run."""

    __tablename__ = "universes"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, server_default="")
    filter: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    household_mode: Mapped[HouseholdMode] = mapped_column(
        text_enum(HouseholdMode, "household_mode"), server_default=HouseholdMode.PERSON.value
    )
    # Shared with the campaign, or seen by its creator only.
    is_shared: Mapped[bool] = mapped_column(server_default=text("true"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    # The filter itself is listed as "changed" only: a drawn polygon can be large.
    __audit_values__ = ("name", "description", "household_mode", "is_shared")

    def is_visible_to(self, user_id: int) -> bool:
        return self.is_shared or self.created_by_id == user_id

"""Volunteer profiles (a Person who gives time), teams, and invite links."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db


class Skill(StrEnum):
    CANVASSING = "canvassing"
    PHONE_BANKING = "phone_banking"
    TEXT_BANKING = "text_banking"
    DATA_ENTRY = "data_entry"
    DRIVING = "driving"
    EVENT_HOSTING = "event_hosting"
    VOTER_REGISTRATION = "voter_registration"
    TRAINING = "training"
    TRANSLATION = "translation"


class PreferredChannel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"


class VolunteerStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class VolunteerProfile(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """What the campaign knows about a person as a volunteer. The languages they speak are
    the person's own (``Person.languages``), not copied here.

    ``availability``: ``{"weekly": [{"day": 0-6 (0 Monday), "start": "HH:MM", "end": "HH:MM"}],
    "dates": [{"date": "YYYY-MM-DD", "start"?: "HH:MM", "end"?: "HH:MM"}]}``.
    """

    __tablename__ = "volunteer_profiles"
    __table_args__ = (
        UniqueConstraint("organization_id", "person_id"),
        UniqueConstraint("feed_token"),
        Index("ix_volunteer_profiles_skills", "skills", postgresql_using="gin"),
        Index("ix_volunteer_profiles_person_id", "person_id"),
    )
    __organization_index__ = False  # the unique constraint starts with it

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    skills: Mapped[list[str]] = mapped_column(
        ARRAY(String(30)), server_default=text("'{}'::varchar[]")
    )
    availability: Mapped[dict[str, Any]] = mapped_column(
        server_default=text("""'{"weekly": [], "dates": []}'::jsonb""")
    )
    preferred_channel: Mapped[PreferredChannel] = mapped_column(
        text_enum(PreferredChannel, "volunteer_channel"),
        server_default=PreferredChannel.EMAIL.value,
    )
    #: The organiser who looks after them.
    organizer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Their own sign-in, if they canvass with the app: door knocks are recorded per user.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[VolunteerStatus] = mapped_column(
        text_enum(VolunteerStatus, "volunteer_status"), server_default=VolunteerStatus.ACTIVE.value
    )
    #: In the calendar feed's link: whoever holds it sees this volunteer's shifts.
    feed_token: Mapped[str] = mapped_column(String(43))
    notes: Mapped[str] = mapped_column(Text, server_default="")
    source: Mapped[str] = mapped_column(String(20), server_default="organizer")

    person = relationship("Person", lazy="joined")
    #: Read only: memberships are written as TeamMember rows.
    teams = relationship(
        "Team", secondary="team_members", order_by="Team.name", lazy="selectin", viewonly=True
    )

    __audit_values__ = ("person_id", "skills", "status", "organizer_user_id", "user_id")


class Team(OrganizationOwnedMixin, db.Model):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    organizer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __audit_values__ = ("name", "organizer_user_id")


class TeamMember(OrganizationOwnedMixin, db.Model):
    __tablename__ = "team_members"
    __organization_index__ = False

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(server_default=func.now())


class VolunteerInvite(OrganizationOwnedMixin, db.Model):
    """A link (/join/CODE) that signs a volunteer up and puts them on a team, a shift, or in
    reach of a walk list. ``max_uses`` None: unlimited; ``expires_at`` None: never."""

    __tablename__ = "volunteer_invites"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(120), server_default="")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id", ondelete="SET NULL"))
    walk_list_id: Mapped[int | None] = mapped_column(
        ForeignKey("walk_lists.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime | None]
    max_uses: Mapped[int | None]
    uses: Mapped[int] = mapped_column(server_default=text("0"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __audit_values__ = ("team_id", "shift_id", "walk_list_id", "expires_at", "max_uses")

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def is_used_up(self) -> bool:
        return self.max_uses is not None and self.uses >= self.max_uses

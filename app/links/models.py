"""Where short links may lead (an admin's list), the links themselves, their clicks counted
per day (nothing about the person clicking), and the responses that followed a link or a mail
piece (a sign-up through a public form)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db


class LinkDestination(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """A page off our site a link may lead to (the donation page, a petition), set up by an
    admin: nobody else can make a link of ours send people anywhere outside the campaign."""

    __tablename__ = "link_destinations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(1000))
    #: Where the page takes a reference code (ActBlue's ``refcode``): our source code goes
    #: there, and gifts come back with it (Donation.reference_code).
    refcode_param: Mapped[str] = mapped_column(String(40), server_default="refcode")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __audit_values__ = ("name", "url", "refcode_param")


class TrackedLink(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """``/l/CODE``: a short link for one post, channel or ad, to one of the campaign's own
    pages (a path) or an admin's destination."""

    __tablename__ = "tracked_links"
    __table_args__ = (
        UniqueConstraint("code"),
        UniqueConstraint("organization_id", "source_code"),
    )
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(120))
    #: What the campaign calls where it was posted ("fb-oct-ad-2"): sign-ups and gifts carry it.
    source_code: Mapped[str] = mapped_column(String(60))
    #: facebook, instagram, x, tiktok, ad, post, print, other.
    channel: Mapped[str] = mapped_column(String(20))
    path: Mapped[str | None] = mapped_column(String(500))
    destination_id: Mapped[int | None] = mapped_column(
        ForeignKey("link_destinations.id", ondelete="RESTRICT"), index=True
    )
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    destination: Mapped[LinkDestination | None] = relationship(lazy="joined")

    __audit_values__ = ("name", "source_code", "channel", "path", "destination_id", "is_active")


class LinkClickDay(db.Model):
    """Clicks on a link, counted per day: no address, no browser, no cookie is kept."""

    __tablename__ = "link_click_days"

    link_id: Mapped[int] = mapped_column(
        ForeignKey("tracked_links.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    clicks: Mapped[int] = mapped_column(server_default=text("0"))


class ResponseKind(StrEnum):
    SIGNUP = "signup"  # a public form (RSVP, volunteer) after the link or piece


class LinkResponse(OrganizationOwnedMixin, db.Model):
    """A known person who answered through a link (gifts are matched by their reference code
    instead, when read; a mail piece's responses are in its people's histories)."""

    __tablename__ = "link_responses"
    __table_args__ = (Index("ix_link_responses_link_id", "link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ResponseKind] = mapped_column(text_enum(ResponseKind, "link_response_kind"))
    link_id: Mapped[int] = mapped_column(ForeignKey("tracked_links.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())

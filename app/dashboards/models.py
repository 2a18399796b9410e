"""The dashboard's rollups and the field goal.

The rollups are written by PostgreSQL triggers only (migrations 0047_dashboards and
0048_donor_rollups, which also hold the ``dash_rebuild_*`` recounts): each sums the raw rows
of one day, area and user, so a panel reads a few hundred rows instead of millions.
``area_id`` 0 is the row for every area (a door is in a precinct, a ward and a county:
summing their rows would count it three times)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.donations.models import Donation
from app.extensions import db
from app.knocks.models import DoorKnock

#: The ``area_id`` of the rows that count every area.
ALL_AREAS = 0


class FieldRollup(db.Model):
    """Door knocks that stand (status applied) per local day, hour, canvasser and area."""

    __tablename__ = "dash_field_rollups"

    organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    hour: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    knocks: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    contacts: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class SupportRollup(db.Model):
    """Support IDs (answers to the ``support`` question, 1-5) per day, area, user, score."""

    __tablename__ = "dash_support_rollups"

    organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    #: 0: recorded by nobody (an import).
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    answer: Mapped[str] = mapped_column(String(100), primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class MoneyRollup(db.Model):
    """Ledger entries that stand (not voided) per day received, donor's area, kind and source."""

    __tablename__ = "dash_money_rollups"

    organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    processor: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: '' for none.
    page: Mapped[str] = mapped_column(String(100), primary_key=True)
    is_recurring: Mapped[bool] = mapped_column(primary_key=True)
    entries: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    amount_cents: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))


class FieldAreaDay(db.Model):
    """The field rollup per area and day only: "by area" and the map read this."""

    __tablename__ = "dash_field_area_days"

    organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    knocks: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    contacts: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class SupportAreaDay(db.Model):
    """Support IDs per area and day, and those that are support (1 or 2), every canvasser
    together: the map's support colouring. Kept from ``SupportRollup`` by a trigger on it
    (migration 0052)."""

    __tablename__ = "dash_support_area_days"

    organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    supporters: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class MoneyAreaDay(db.Model):
    """The money rollup per area, day and kind only: money by region and the map read this."""

    __tablename__ = "dash_money_area_days"

    organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    entries: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    amount_cents: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))


class FieldAreaWeek(db.Model):
    """``FieldAreaDay`` by week (Monday): a long run of days reads its whole weeks here. Kept
    from the daily table by a trigger on it (migration 0053), like the two below."""

    __tablename__ = "dash_field_area_weeks"

    organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    knocks: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    contacts: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class SupportAreaWeek(db.Model):
    __tablename__ = "dash_support_area_weeks"

    organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    supporters: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class MoneyAreaWeek(db.Model):
    __tablename__ = "dash_money_area_weeks"

    organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    entries: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    amount_cents: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))


class GiftAmount(db.Model):
    """Contributions that stand per day and amount: the median gift, from sums."""

    __tablename__ = "dash_gift_amounts"

    organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    gifts: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class DonorDay(db.Model):
    """A donor's day of giving (contributions that stand), with the donor's previous day of
    giving (0001-01-01: none, a first gift ever), the donor's areas and the day's amounts:
    the state the donor counts below are kept from (a person's days are recounted whole)."""

    __tablename__ = "dash_donor_days"

    person_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    organization_id: Mapped[int] = mapped_column(BigInteger, index=True)
    prev_day: Mapped[date] = mapped_column(Date)
    area_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    amounts: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))


class DonorCount(db.Model):
    """Donor days per area (0: all), day and previous day of giving. The donors of a run of
    days are the days in it whose previous one falls before it; the new ones, whose previous
    one is 0001-01-01."""

    __tablename__ = "dash_donor_counts"

    organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    prev_day: Mapped[date] = mapped_column(Date, primary_key=True)
    donors: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class GiftAmountArea(db.Model):
    """Contributions that stand per donor's area, day and amount: the median gift of an area
    (every area together: ``GiftAmount``, which also counts gifts of nobody on file)."""

    __tablename__ = "dash_gift_amount_areas"

    organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    gifts: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class FieldGoal(db.Model):
    """Doors to knock by a day ("60,000 doors by election day"): the pace the panel shows."""

    __tablename__ = "dash_field_goals"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    doors: Mapped[int] = mapped_column(Integer)
    goal_on: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __audit_values__ = ("doors", "goal_on")


class WeeklySummary(db.Model):
    """Who gets the printable weekly summary by email, and when (the campaign's weekday,
    0 Monday, and hour, in its time zone)."""

    __tablename__ = "dash_weekly_summaries"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    recipient_ids: Mapped[list[int]] = mapped_column(
        ARRAY(BigInteger), server_default=text("'{}'::bigint[]")
    )
    weekday: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    hour: Mapped[int] = mapped_column(SmallInteger, server_default=text("8"))
    enabled: Mapped[bool] = mapped_column(server_default=text("false"))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __audit_values__ = ("recipient_ids", "weekday", "hour", "enabled")


class WeeklySummarySend(db.Model):
    """One week's summary sent to one recipient: the unique key is the claim, so a worker
    restarted or run twice never sends it again."""

    __tablename__ = "dash_weekly_summary_sends"
    __table_args__ = (UniqueConstraint("organization_id", "week_of", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    #: The Monday of the week summed up.
    week_of: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbound_messages.id", ondelete="SET NULL")
    )
    sent_at: Mapped[datetime] = mapped_column(server_default=func.now())


# The recount of a day reads its knocks by time; a door's new areas find its knocks. (The
# knocks' room does not read by these: they are the dashboard's, declared here.)
Index(
    "ix_door_knocks_organization_id_occurred_at", DoorKnock.organization_id, DoorKnock.occurred_at
)
Index("ix_door_knocks_address_id", DoorKnock.address_id)
# A run of days over every area (by area, the map), read from the index alone; and a
# canvasser's or a team's knocks.
for _table, _when, _carried in (
    (FieldAreaDay, "day", ("area_id", "knocks", "contacts")),
    (MoneyAreaDay, "day", ("area_id", "kind", "entries", "amount_cents")),
    (SupportAreaDay, "day", ("area_id", "answers", "supporters")),
    (FieldAreaWeek, "week", ("area_id", "knocks", "contacts")),
    (MoneyAreaWeek, "week", ("area_id", "kind", "entries", "amount_cents")),
    (SupportAreaWeek, "week", ("area_id", "answers", "supporters")),
):
    Index(f"ix_{_table.__tablename__}_organization_id_{_when}", _table.organization_id,
          getattr(_table, _when), postgresql_include=list(_carried))  # fmt: skip
Index("ix_dash_field_rollups_organization_id_user_id_area_id_day", FieldRollup.organization_id,
      FieldRollup.user_id, FieldRollup.area_id, FieldRollup.day)  # fmt: skip
# New or repeat donor: a gift that stands before the period, found without the heap.
Index(
    "ix_donations_person_id_gift_on",
    Donation.person_id,
    Donation.received_on,
    postgresql_where=text("kind = 'contribution' AND voided_at IS NULL"),
)

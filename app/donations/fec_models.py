"""Reports written for the FEC, and the ones filed: a filed report is never edited, only
amended by a later one (the database refuses to change or delete a filed row)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, SmallInteger, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import OrganizationOwnedMixin
from app.extensions import db


class FecReport(OrganizationOwnedMixin, db.Model):
    """One ``.fec`` file written for a period: what it said (totals in cents, the sha256 of
    the file, a digest of its itemised lines) and, once the treasurer filed it, when."""

    __tablename__ = "fec_reports"
    __table_args__ = (
        Index("ix_fec_reports_period", "organization_id", "committee_id", "coverage_from"),
        Index("uq_fec_reports_sha256", "organization_id", "sha256", unique=True),
    )
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[str] = mapped_column(String(9))
    #: F3N (new) or F3A (amendment).
    form_type: Mapped[str] = mapped_column(String(4))
    report_code: Mapped[str] = mapped_column(String(3))
    coverage_from: Mapped[date] = mapped_column(Date)
    coverage_through: Mapped[date] = mapped_column(Date)
    #: The original (F3N) report an amendment amends.
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("fec_reports.id"))
    amendment_number: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    sha256: Mapped[str] = mapped_column(String(64))
    #: sha256 of the Schedule A and B records alone: the same ledger gives the same digest.
    lines_digest: Mapped[str] = mapped_column(String(64))
    #: The summary page in cents: {"a": {"6a": ..., "11ai": ...}, "b": {...}}.
    summary: Mapped[dict[str, Any]]
    receipts_cents: Mapped[int] = mapped_column(BigInteger)
    refunds_cents: Mapped[int] = mapped_column(BigInteger)
    cash_on_hand_close_cents: Mapped[int] = mapped_column(BigInteger)
    itemized_lines: Mapped[int] = mapped_column(Integer)
    written_at: Mapped[datetime] = mapped_column(server_default=func.now())
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[datetime | None]
    #: The FEC's id of the accepted filing ("FEC-1234567"): an amendment's header names it.
    fec_filing_id: Mapped[str | None] = mapped_column(String(20))
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __audit_values__ = (
        "committee_id",
        "form_type",
        "report_code",
        "coverage_from",
        "coverage_through",
        "amendment_number",
        "sha256",
        "receipts_cents",
        "refunds_cents",
        "filed_at",
        "fec_filing_id",
    )

    @property
    def is_filed(self) -> bool:
        return self.filed_at is not None

"""Import jobs (voter files, vote history, areas, address points, streets), their rejects and
mappings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db


class ImportKind(StrEnum):
    VOTERS = "voters"
    HISTORY = "history"
    AREAS = "areas"
    ADDRESS_POINTS = "address_points"
    STREETS = "streets"
    DONATIONS = "donations"  # a processor's export (ActBlue) or a saved donation mapping


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ImportJob(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """One file being loaded. Progress columns are written from a separate connection while
    the data itself goes in one transaction, so a job that dies leaves nothing half applied."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ImportKind] = mapped_column(text_enum(ImportKind, "import_kind"))
    layout: Mapped[str] = mapped_column(String(40), server_default="")
    options: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    filename: Mapped[str] = mapped_column(String(255))
    file_path: Mapped[str] = mapped_column(Text)
    file_size: Mapped[int] = mapped_column(server_default=text("0"))
    status: Mapped[JobStatus] = mapped_column(
        text_enum(JobStatus, "job_status"), server_default=JobStatus.QUEUED.value, index=True
    )
    phase: Mapped[str] = mapped_column(String(40), server_default="queued")
    bytes_read: Mapped[int] = mapped_column(server_default=text("0"))
    rows_read: Mapped[int] = mapped_column(server_default=text("0"))
    rows_inserted: Mapped[int] = mapped_column(server_default=text("0"))
    rows_updated: Mapped[int] = mapped_column(server_default=text("0"))
    rows_unchanged: Mapped[int] = mapped_column(server_default=text("0"))
    rows_rejected: Mapped[int] = mapped_column(server_default=text("0"))
    rows_removed: Mapped[int] = mapped_column(server_default=text("0"))
    summary: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class ImportReject(db.Model):
    """A row the import could not read: where it is and why, for the downloadable report."""

    __tablename__ = "import_rejects"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(
        ForeignKey("import_jobs.id", ondelete="CASCADE"), index=True
    )
    line_no: Mapped[int] = mapped_column(Integer)
    column: Mapped[str] = mapped_column(String(120), server_default="")
    reason: Mapped[str] = mapped_column(String(300))
    value: Mapped[str] = mapped_column(String(200), server_default="")


class MappingKind(StrEnum):
    VOTERS = "voters"
    DONATIONS = "donations"


class ImportMapping(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """A saved column mapping: a voter file in no built-in layout, or a processor's or bank's
    donation export (WinRed, Anedot ...)."""

    __tablename__ = "import_mappings"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20), server_default=MappingKind.VOTERS.value)
    state: Mapped[str] = mapped_column(String(2))
    delimiter: Mapped[str] = mapped_column(String(2), server_default=",")
    encoding: Mapped[str] = mapped_column(String(20), server_default="utf-8")
    date_format: Mapped[str] = mapped_column(String(20), server_default="MM/DD/YYYY")
    # canonical field -> header of the file's column
    columns: Mapped[dict[str, Any]] = mapped_column()
    #: Donation mappings: processor, conduit, negative amounts (app.donations.mapping).
    options: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __audit_values__ = (
        "name",
        "kind",
        "state",
        "delimiter",
        "encoding",
        "date_format",
        "columns",
        "options",
    )

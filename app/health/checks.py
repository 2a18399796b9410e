"""``doorstep check``: what a production instance lacks.

It reads the settings itself rather than through create_app, which refuses to start with the
very settings it must report; then it looks at the database, the migrations, the worker and
the backups. Each finding is ``ok``, ``missing`` (the command fails) or ``note``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.backups.queries import configured_backup_dir, list_backups
from app.config import ConfigError, finish_config, load_config, production_problems
from app.core.localdb import LocalDatabaseError, find_pg_bin
from app.core.migrations import migration_state
from app.core.tasks import WORKER_APPLICATION_NAME

OK, MISSING, NOTE = "ok", "missing", "note"
#: A worker whose connections were all idle this long is stuck (it polls every 2 s).
WORKER_QUIET = timedelta(minutes=10)
#: A scheduled backup may be this late before it counts as missing (a dump takes a while).
BACKUP_GRACE = timedelta(hours=1)


@dataclass(frozen=True)
class Finding:
    subject: str
    status: str
    message: str


def check_instance(
    environ: Mapping[str, str] | None = None, now: datetime | None = None
) -> list[Finding]:
    """Every finding about the instance the environment describes."""
    now = now or datetime.now(UTC)
    try:
        raw = load_config(os.environ if environ is None else environ)
    except ConfigError as exc:
        return [Finding("settings", MISSING, str(exc))]
    findings = [Finding("settings", MISSING, problem) for problem in production_problems(raw)]
    if raw["DOORSTEP_ENV"] != "production":
        findings.insert(
            0,
            Finding(
                "settings", MISSING, f"DOORSTEP_ENV is {raw['DOORSTEP_ENV']!r}, not production"
            ),
        )
    try:
        # Validated as any other environment would be: production's needs are listed above.
        config = finish_config({**raw, "DOORSTEP_ENV": "development"})
    except ConfigError as exc:
        return [*findings, Finding("settings", MISSING, str(exc))]
    if not findings:
        findings.append(
            Finding(
                "settings",
                OK,
                "production: a strong secret key, an https public URL, SMTP and trusted proxies",
            )
        )
    return findings + _database_findings(config, now) + _backup_findings(config, now)


def _database_findings(config: Mapping[str, Any], now: datetime) -> list[Finding]:
    engine = sa.create_engine(
        config["SQLALCHEMY_DATABASE_URI"],
        poolclass=sa.NullPool,
        connect_args={"connect_timeout": 5},
    )
    try:
        with engine.connect() as conn:
            return _inside_database(conn, now)
    except sa.exc.OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0]
        return [Finding("database", MISSING, f"cannot connect ({reason})")]
    finally:
        engine.dispose()


def _inside_database(conn: sa.Connection, now: datetime) -> list[Finding]:
    version = conn.scalar(sa.text("SHOW server_version"))
    findings = [Finding("database", OK, f"PostgreSQL {version}, {conn.engine.url.database}")]
    postgis = conn.scalar(sa.text("SELECT extversion FROM pg_extension WHERE extname = 'postgis'"))
    findings.append(
        Finding("postgis", OK, f"PostGIS {postgis}")
        if postgis
        else Finding(
            "postgis",
            MISSING,
            "PostGIS is not in this database (`doorstep db upgrade` "
            "creates it; the server needs postgresql-15-postgis-3)",
        )
    )
    state = migration_state(conn)
    head = "+".join(state.head)
    findings.append(
        Finding("migrations", OK, f"at the head, {head}")
        if state.up_to_date
        else Finding(
            "migrations",
            MISSING,
            f"at {'+'.join(state.current) or 'nothing'}, this "
            f"release's head is {head}: run `doorstep db upgrade`",
        )
    )
    findings.append(_worker_finding(conn, now))
    return findings


def _worker_finding(conn: sa.Connection, now: datetime) -> Finding:
    row = conn.execute(
        sa.text(
            "SELECT count(*) AS connections,"
            " bool_or(state IN ('active', 'idle in transaction')) AS working,"
            " max(state_change) AS last_change"
            " FROM pg_stat_activity WHERE datname = current_database()"
            " AND application_name = :name AND pid <> pg_backend_pid()"
        ),
        {"name": WORKER_APPLICATION_NAME},
    ).one()
    if not row.connections:
        return Finding(
            "worker",
            MISSING,
            "no `doorstep worker` is connected: imports, reminders "
            "and backups do not run (systemctl start doorstep-worker)",
        )
    if row.working:
        return Finding("worker", OK, "connected and working")
    if row.last_change is None:  # another role's sessions: their state is hidden from us
        return Finding("worker", OK, f"connected ({row.connections} connections)")
    quiet = now - row.last_change
    if quiet > WORKER_QUIET:
        return Finding(
            "worker",
            MISSING,
            f"connected but silent for {_age(quiet)}: stuck? (systemctl restart doorstep-worker)",
        )
    return Finding("worker", OK, f"connected, last busy {_age(quiet)} ago")


def _backup_findings(config: Mapping[str, Any], now: datetime) -> list[Finding]:
    every = config["DOORSTEP_BACKUP_EVERY_HOURS"]
    directory = configured_backup_dir(config)
    archives = list_backups(directory)
    newest = (
        f"the newest, {archives[0].path.name}, is {_age(now - archives[0].taken_at)} old"
        if archives
        else f"there is none in {directory}"
    )
    if every <= 0:
        return [
            Finding(
                "backups",
                NOTE,
                f"scheduled backups are off (DOORSTEP_BACKUP_EVERY_HOURS"
                f"); {newest}. Back up another way (WAL archiving: docs/deploy.md)",
            )
        ]
    findings = []
    try:
        find_pg_bin("pg_dump")
    except LocalDatabaseError as exc:
        findings.append(Finding("backups", MISSING, str(exc)))
    if not archives or now - archives[0].taken_at > timedelta(hours=every) + BACKUP_GRACE:
        findings.append(
            Finding(
                "backups",
                MISSING,
                f"every {every} h into {directory}, but "
                f"{newest}: is the worker running? (its log says why)",
            )
        )
    else:
        findings.append(Finding("backups", OK, f"every {every} h; {newest}"))
    return findings


def _age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"

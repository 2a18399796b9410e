"""``doorstep check``: what a production instance lacks, and exit 1 while anything does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from app.backups.archive import archive_name
from app.cli import cli
from app.config import normalise_database_url
from app.core.localdb import free_port
from app.core.migrations import migration_script
from app.health.checks import MISSING, NOTE, OK, check_instance
from app.worker import name_worker_connections
from tests.core.test_config import PRODUCTION

NOW = datetime.now(UTC)


@pytest.fixture
def production(database_url, tmp_path) -> dict[str, str]:
    """Everything production needs, on the test database, with a backup two hours old."""
    (tmp_path / archive_name(NOW - timedelta(hours=2), "0019_x")).write_bytes(b"")
    return {**PRODUCTION, "DATABASE_URL": database_url, "DOORSTEP_BACKUP_DIR": str(tmp_path),
            "DOORSTEP_BACKUP_EVERY_HOURS": "24"}  # fmt: skip


@pytest.fixture
def worker(database_url):
    """A connection named as `doorstep worker` names its own."""
    engine = sa.create_engine(normalise_database_url(database_url), poolclass=sa.NullPool)
    name_worker_connections(engine)
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
        conn.commit()
        yield
    engine.dispose()


def by_subject(findings) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for finding in findings:
        found.setdefault(finding.subject, []).append((finding.status, finding.message))
    return found


def test_a_complete_instance_passes(production, worker):
    findings = by_subject(check_instance(production, NOW))
    assert {subject: [s for s, _ in f] for subject, f in findings.items()} == {
        subject: [OK]
        for subject in ("settings", "database", "postgis", "migrations", "worker", "backups")
    }
    assert findings["database"][0][1].startswith("PostgreSQL 15")
    assert "connected" in findings["worker"][0][1]
    assert "is 2 h old" in findings["backups"][0][1]


def test_what_is_missing_is_named(database_url):
    findings = check_instance({"DATABASE_URL": database_url}, NOW)
    missing = [f.message for f in findings if f.status == MISSING]
    for expected in ("DOORSTEP_ENV is 'development', not production",
                     "DOORSTEP_SECRET_KEY is not set", "DOORSTEP_PUBLIC_URL must be",
                     "DOORSTEP_SMTP_HOST is not set", "DOORSTEP_TRUSTED_PROXIES is not set",
                     "no `doorstep worker` is connected"):  # fmt: skip
        assert any(message.startswith(expected) for message in missing), (expected, missing)
    backups = by_subject(findings)["backups"]
    assert backups[0][0] == NOTE and "scheduled backups are off" in backups[0][1]
    assert by_subject(findings)["migrations"][0][0] == OK


def test_a_weak_key_and_a_late_backup(production, worker, tmp_path):
    late = {**production, "DOORSTEP_SECRET_KEY": "x" * 40, "DOORSTEP_BACKUP_EVERY_HOURS": "1"}
    (tmp_path / archive_name(NOW - timedelta(hours=2), "0019_x")).unlink()
    (tmp_path / archive_name(NOW - timedelta(hours=3), "0019_x")).write_bytes(b"")
    findings = by_subject(check_instance(late, NOW))
    assert findings["settings"] == [(MISSING, "DOORSTEP_SECRET_KEY repeats too few characters "
                                               "(make one: openssl rand -hex 32)")]  # fmt: skip
    status, message = findings["backups"][0]
    assert status == MISSING and "is 3 h old" in message and "every 1 h" in message


def test_a_database_not_reachable_or_not_migrated(production, make_empty_database):
    unreachable = {**production, "DATABASE_URL": f"postgresql://u@127.0.0.1:{free_port()}/x"}
    findings = by_subject(check_instance(unreachable, NOW))
    assert findings["database"][0][0] == MISSING and "cannot connect" in findings["database"][0][1]
    assert "migrations" not in findings

    empty = {**production, "DATABASE_URL": make_empty_database("doorstep_check_empty")}
    findings = by_subject(check_instance(empty, NOW))
    assert findings["postgis"][0][0] == MISSING
    head = "+".join(migration_script().get_heads())
    assert findings["migrations"] == [
        (MISSING, f"at nothing, this release's head is {head}: run `doorstep db upgrade`")
    ]


def test_a_bad_setting_is_reported_not_raised():
    findings = check_instance({"DOORSTEP_ACCESS_TOKEN_MINUTES": "soon"}, NOW)
    assert [(f.subject, f.status) for f in findings] == [("settings", MISSING)]
    assert "DOORSTEP_ACCESS_TOKEN_MINUTES" in findings[0].message


def test_the_command_exits_1_while_anything_is_missing(production, worker, monkeypatch):
    monkeypatch.delenv("DOORSTEP_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, ["check"], env={**production, "DOORSTEP_SMTP_HOST": ""})
    assert result.exit_code == 1, result.output
    assert "missing  settings    DOORSTEP_SMTP_HOST is not set" in result.output
    assert "ok       migrations  at the head" in result.output
    assert "1 missing: see docs/deploy.md" in result.output
    result = CliRunner().invoke(cli, ["check"], env=production)
    assert result.exit_code == 0, result.output
    assert result.output.endswith("ready for production\n")

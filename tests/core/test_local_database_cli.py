"""``doorstep ...`` without DATABASE_URL uses the project-local cluster, as ``bin/start`` does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app.core.localdb import LocalCluster, free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def local_pg():
    """Where the command should make its cluster; stopped and removed afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix="doorstep-cli-"))
    os.chmod(tmp, 0o755)  # PostgreSQL runs as postgres when we are root
    cluster = LocalCluster(tmp / "pg", free_port())
    try:
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(tmp, ignore_errors=True)


def doorstep(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from app.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_a_command_without_database_url_makes_and_uses_the_local_database(local_pg):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DOORSTEP_DATABASE_URL")
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DOORSTEP_LOCAL_PG_DIR=str(local_pg.data_dir),
        DOORSTEP_LOCAL_PG_PORT=str(local_pg.port),
    )
    result = doorstep("db", "current", env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "DATABASE_URL is not set" not in result.stderr
    assert local_pg.is_running()
    # The same database a second time, already running: no new cluster, same answer.
    again = doorstep("db", "current", env=env)
    assert again.returncode == 0, again.stderr[-2000:]
    printed = doorstep("localdb", "ensure", env=env)
    assert printed.stdout.strip() == local_pg.url("doorstep")

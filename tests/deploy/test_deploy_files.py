"""The files deploy/ ships for one server (docs/deploy.md): the systemd units verified by
systemd itself, and nginx, journald and the settings file checked against what Doorstep
expects of them."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.config import _SETTINGS, ConfigError, finish_config, load_config

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = ("doorstep-web.service", "doorstep-worker.service")
INSTALL_DIR = "/opt/doorstep"


def read_unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string((DEPLOY / "systemd" / name).read_text())
    return parser


@pytest.mark.parametrize("name", UNITS)
def test_each_unit_has_what_a_service_needs(name):
    unit = read_unit(name)
    assert unit.sections() == ["Unit", "Service", "Install"]
    service = unit["Service"]
    for key in ("User", "Group", "WorkingDirectory", "EnvironmentFile", "ExecStart", "Restart"):
        assert service.get(key), f"{name} lacks {key}="
    assert service["User"] == "doorstep" and service["WorkingDirectory"] == INSTALL_DIR
    assert service["EnvironmentFile"] == "/etc/doorstep/doorstep.env"
    assert service["ExecStart"].startswith(f"{INSTALL_DIR}/.venv/bin/")
    assert service["ProtectSystem"] == "strict" and service["StateDirectory"] == "doorstep"
    assert "postgresql.service" in unit["Unit"]["After"]
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_the_web_unit_serves_where_nginx_sends_and_the_worker_runs_the_worker():
    web = read_unit("doorstep-web.service")["Service"]["ExecStart"]
    assert "--bind 127.0.0.1:8000" in web and web.endswith("app:create_app()")
    upstream = re.search(r"upstream doorstep \{\s*server ([\d.:]+);", nginx())
    assert upstream and upstream.group(1) == "127.0.0.1:8000"
    worker = read_unit("doorstep-worker.service")["Service"]["ExecStart"]
    assert worker == f"{INSTALL_DIR}/.venv/bin/doorstep worker"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_systemd_verifies_the_units(tmp_path):
    """systemd-analyze checks every key and that the programs exist: they are made under a
    stand-in install directory."""
    install = tmp_path / "opt-doorstep"
    for program in ("gunicorn", "doorstep"):
        path = install / ".venv" / "bin" / program
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    for name in UNITS:
        text = (DEPLOY / "systemd" / name).read_text().replace(INSTALL_DIR, str(install))
        (tmp_path / name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / name) for name in UNITS)],
        capture_output=True,
        text=True,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
        check=False,
    )
    ours = [line for line in result.stderr.splitlines() if "doorstep-" in line]
    assert result.returncode == 0 and not ours, result.stderr


def nginx() -> str:
    return (DEPLOY / "nginx" / "doorstep.conf").read_text()


def test_nginx_terminates_tls_and_forwards_what_doorstep_trusts():
    text = re.sub(r"#.*", "", nginx())
    assert text.count("{") == text.count("}")
    assert "listen 443 ssl" in text and "return 301 https://$host$request_uri;" in text
    for header in ("X-Forwarded-For $proxy_add_x_forwarded_for",
                   "X-Forwarded-Proto $scheme", "Host $host"):  # fmt: skip
        assert f"proxy_set_header {header};" in text
    # A voter file of DOORSTEP_MAX_UPLOAD_MB must get through nginx to Doorstep's own limit.
    body = int(re.search(r"client_max_body_size (\d+)m;", text).group(1))
    assert body > dict((v, d) for v, _, _, d in _SETTINGS)["DOORSTEP_MAX_UPLOAD_MB"]


def test_journald_keeps_logs_bounded():
    journal = configparser.ConfigParser(interpolation=None)
    journal.optionxform = str
    journal.read_string((DEPLOY / "journald" / "doorstep.conf").read_text())
    assert set(journal["Journal"]) >= {"SystemMaxUse", "MaxRetentionSec"}


def test_the_settings_file_is_a_production_config_once_filled_in():
    lines = (DEPLOY / "doorstep.env.example").read_text().splitlines()
    environ = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    known = {var for var, *_ in _SETTINGS} | {"DATABASE_URL", "DOORSTEP_WORKERS"}
    assert set(environ) <= known, set(environ) - known
    refused = "DOORSTEP_SECRET_KEY looks like a placeholder"
    with pytest.raises(ConfigError, match=refused):
        finish_config(load_config(environ))
    filled = {**environ, "DOORSTEP_SECRET_KEY": os.urandom(32).hex()}
    assert finish_config(load_config(filled))["DOORSTEP_ENV"] == "production"


def test_the_command_wrapper_runs_as_the_units_do():
    wrapper = DEPLOY / "bin" / "doorstep"
    assert subprocess.run(["sh", "-n", str(wrapper)], check=False).returncode == 0
    assert os.access(wrapper, os.X_OK)
    text = wrapper.read_text()
    service = read_unit("doorstep-worker.service")["Service"]
    assert f"--property=EnvironmentFile={service['EnvironmentFile']}" in text
    assert f"--uid={service['User']} --gid={service['Group']}" in text
    assert f"--working-directory={service['WorkingDirectory']}" in text

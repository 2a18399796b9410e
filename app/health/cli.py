"""``doorstep check``: what a production instance lacks (app/health/checks.py)."""

from __future__ import annotations

import click

from app.health.checks import MISSING, check_instance


@click.command("check")  # no app: create_app refuses the settings it must report
def check_command() -> None:
    """Report what this instance lacks for production: settings, database, PostGIS,
    migrations, worker, backups. Exits 1 when anything is missing."""
    findings = check_instance()
    for finding in findings:
        click.echo(f"{finding.status:<8} {finding.subject:<11} {finding.message}")
    missing = sum(finding.status == MISSING for finding in findings)
    if missing:
        click.echo(f"{missing} missing: see docs/deploy.md")
        raise SystemExit(1)
    click.echo("ready for production")

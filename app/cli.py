"""The ``doorstep`` command: Flask's CLI plus Doorstep's own commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup, with_appcontext

from app import create_app
from app.audit.context import acting_as
from app.config import PROJECT_ROOT
from app.core.localdb import (
    DEFAULT_PORT,
    LocalCluster,
    LocalDatabaseError,
    ensure_local_database,
)
from app.core.transactions import commit, unit_of_work


def create_app_with_a_database():
    """The app; with neither DATABASE_URL nor DOORSTEP_DATABASE_URL set, on the project-local
    cluster that ``bin/start`` uses (made and started when needed), as ``bin/start`` does."""
    # ``doorstep`` and ``doorstep --help`` only list the commands: no database made for that.
    listing = sys.argv[1:] in ([], ["--help"], ["-h"])
    if not (os.environ.get("DATABASE_URL") or os.environ.get("DOORSTEP_DATABASE_URL") or listing):
        data_dir = os.environ.get("DOORSTEP_LOCAL_PG_DIR")
        port = int(os.environ.get("DOORSTEP_LOCAL_PG_PORT") or DEFAULT_PORT)
        try:
            os.environ["DATABASE_URL"] = ensure_local_database(_data_dir(data_dir), port)
        except LocalDatabaseError as exc:
            raise click.ClickException(f"DATABASE_URL is not set, and {exc}") from exc
    return create_app()


@click.group(cls=FlaskGroup, create_app=create_app_with_a_database, add_version_option=False)
def cli() -> None:
    """Doorstep: field CRM for campaigns."""


@cli.group(cls=click.Group)  # no app needed: it runs before there is a database
def localdb() -> None:
    """The project-local PostgreSQL cluster (used when DATABASE_URL is unset)."""


def _data_dir(data_dir: str | None) -> Path:
    return Path(data_dir) if data_dir else PROJECT_ROOT / "var" / "pg"


def _cluster(data_dir: str | None, port: int) -> LocalCluster:
    return LocalCluster(_data_dir(data_dir), port)


@localdb.command("ensure")
@click.option("--data-dir", envvar="DOORSTEP_LOCAL_PG_DIR", default=None)
@click.option("--port", envvar="DOORSTEP_LOCAL_PG_PORT", default=DEFAULT_PORT, type=int)
@click.option("--database", default="doorstep")
def localdb_ensure(data_dir: str | None, port: int, database: str) -> None:
    """Create (first time) and start the cluster and database; print the DATABASE_URL."""
    try:
        url = ensure_local_database(_data_dir(data_dir), port, database)
    except LocalDatabaseError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(url)


@localdb.command("stop")
@click.option("--data-dir", envvar="DOORSTEP_LOCAL_PG_DIR", default=None)
@click.option("--port", envvar="DOORSTEP_LOCAL_PG_PORT", default=DEFAULT_PORT, type=int)
def localdb_stop(data_dir: str | None, port: int) -> None:
    """Stop the project-local cluster."""
    _cluster(data_dir, port).stop()


@cli.command("demo")
@with_appcontext
def demo() -> None:
    """Create the demo campaign, its accounts and voters (idempotent); print the logins."""

    from app.core.links import public_url
    from app.demo import (
        DEMO_SLUG,
        demo_organization_id,
        load_demo,
        load_demo_event,
        load_demo_money,
        load_demo_voters,
    )
    from app.imports.jobs import summary_line
    from app.mailings.demo import load_demo_email

    with acting_as("cli:demo"):
        logins = load_demo()
        commit()
        for job in load_demo_voters(demo_organization_id()):
            commit()
            click.echo(f"  {job.filename}: {summary_line(job)}")
        event = load_demo_event(demo_organization_id())
        commit()
        money = load_demo_money(demo_organization_id())
        commit()
        emailed = load_demo_email(demo_organization_id())
        commit()
        from app.demo import DEMO_PASSWORD
        from app.demo_activity import DEMO_SEED, load_demo_activity
        from app.demo_activity.money import load_demo_gifts

        activity = load_demo_activity(demo_organization_id(), password=DEMO_PASSWORD,
                                      upcoming=event)  # fmt: skip
        commit()
        gifts = load_demo_gifts(demo_organization_id(), DEMO_SEED, activity.today)
        commit()
        money = load_demo_money(demo_organization_id())  # the figures with the online gifts
    click.echo(
        f"  money: {money.donations} donations from {money.donors} donors, "
        f"{money.open_flags} flags to act on, {money.to_review} in the review queue"
    )
    click.echo(
        f"  field: {activity.field.knocks} knocks by {activity.field.canvassers} canvassers "
        f"on {activity.field.lists} walk lists in {activity.field.turfs} turfs"
    )
    click.echo(f"  online gifts: {gifts.gifts} from {gifts.donors} donors over five weeks")
    if activity.organising is not None:
        o = activity.organising
        click.echo(f"  organising: {o.volunteers} volunteers, {o.events} events, {o.signups} "
                   f"sign-ups, {o.attended} came, {o.no_shows} no-shows")  # fmt: skip
    if activity.texting is not None:
        t = activity.texting
        click.echo(f"  texting: {t.campaigns} campaigns, {t.messaged} people texted, "
                   f"{t.replied} replied, {t.opted_out} opted out")  # fmt: skip
    click.echo(f"Demo event sign-up page (public): {public_url(f'/events/{event.code}')}")
    if emailed is not None:
        click.echo(f"Demo email campaign (sent, with results): {public_url('/console#/email')}")
    click.echo(f"Volunteer sign-up form (public):  {public_url(f'/volunteer/{DEMO_SLUG}')}")
    click.echo(f"Demo logins (password for all: {logins[0].password}):")
    for login in logins:
        click.echo(f"  {login.role:<10} {login.email}")


@cli.command("create-user")
@click.option("--organization", "slug", required=True, help="Organisation slug")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    type=click.Choice(["admin", "director", "organizer", "canvasser", "finance"]),
    required=True,
)
@click.password_option()
@with_appcontext
def create_user_command(slug: str, email: str, name: str, role: str, password: str) -> None:
    """Create an account (for the first admin of a new campaign, say)."""
    from sqlalchemy import select

    from app.accounts.models import Organization
    from app.accounts.operations import create_organization, create_user
    from app.auth.permissions import Role
    from app.core.errors import DoorstepError
    from app.extensions import db

    with acting_as("cli:create-user"), unit_of_work():
        organization = db.session.scalar(select(Organization).where(Organization.slug == slug))
        try:
            if organization is None:
                organization = create_organization(slug.replace("-", " ").title(), slug)
            user = create_user(
                organization, email=email, name=name, role=Role(role), password=password
            )
        except DoorstepError as exc:
            raise click.ClickException(f"{exc.message} {exc.fields or ''}".strip()) from exc
    click.echo(f"created {user.role} {user.email} in {organization.slug}")


@cli.group(cls=click.Group)  # no app needed: keys are made before the server has them
def push() -> None:
    """Web Push to the canvassing app."""


@push.command("keys")
def push_keys() -> None:
    """Make a VAPID key pair; put the private key in DOORSTEP_VAPID_PRIVATE_KEY."""
    from app.core.vapid import new_vapid_keys

    private, public = new_vapid_keys()
    click.echo(f"DOORSTEP_VAPID_PRIVATE_KEY={private}")
    click.echo(f"# public key (the app reads it from /api/v1/push/key): {public}")


@cli.group()
def outbox() -> None:
    """Messages waiting to be sent."""


@outbox.command("deliver")
@with_appcontext
def outbox_deliver() -> None:
    """Send pending messages now (retries the ones that failed before)."""
    from app.outreach.operations import deliver_pending

    with unit_of_work():
        sent, failed = deliver_pending()
    click.echo(f"sent {sent}, failed {failed}")


from app.apikeys.cli import api_key_group  # noqa: E402
from app.backups.cli import (  # noqa: E402 - after the core ones
    backup_command,
    mark_restored_command,
    restore_command,
)
from app.donations.fec_cli import fec_group  # noqa: E402
from app.events.cli import reminders_group  # noqa: E402
from app.health.cli import check_command  # noqa: E402
from app.imports.cli import import_group  # noqa: E402
from app.turfs.cli import turf_group  # noqa: E402
from app.worker import worker_command  # noqa: E402

cli.add_command(backup_command)
cli.add_command(restore_command)
cli.add_command(mark_restored_command)
cli.add_command(check_command)
cli.add_command(import_group)
cli.add_command(worker_command)
cli.add_command(turf_group)
cli.add_command(reminders_group)
cli.add_command(fec_group)
cli.add_command(api_key_group)


def main() -> None:
    os.environ.setdefault("FLASK_APP", "app:create_app")
    sys.exit(cli.main())

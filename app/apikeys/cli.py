"""``doorstep api-key create|list|revoke``: integrations' keys, for operators."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.accounts.models import Organization
from app.apikeys.models import ApiScope
from app.apikeys.operations import create_api_key, revoke_api_key
from app.apikeys.queries import get_api_key, list_api_keys
from app.audit.context import acting_as
from app.core.actor import Actor
from app.core.errors import DoorstepError
from app.core.transactions import unit_of_work
from app.extensions import db


@click.group("api-key")
def api_key_group() -> None:
    """API keys of integrations (the OSDI API at /api/osdi/v1/)."""


def _organization(slug: str) -> Organization:
    organization = db.session.scalar(select(Organization).where(Organization.slug == slug))
    if organization is None:
        raise click.ClickException(f"no campaign with the slug {slug!r}")
    return organization


@api_key_group.command("create")
@click.option("--org", "slug", required=True, help="The campaign's slug")
@click.option("--name", required=True, help="Who uses it (named in the audit log)")
@click.option(
    "--scopes",
    required=True,
    help="Comma-separated, among: " + ", ".join(scope.value for scope in ApiScope),
)
@click.option("--expires", default=None, help="ISO 8601 date or time it stops working")
@with_appcontext
def create_command(slug: str, name: str, scopes: str, expires: str | None) -> None:
    """Make a key; its secret is printed on the last line, this once only."""
    expires_at = None
    if expires:
        try:
            expires_at = datetime.fromisoformat(expires)
        except ValueError:
            raise click.BadParameter("expected ISO 8601, e.g. 2027-01-31") from None
        expires_at = expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)
    with acting_as("cli:api-key"), unit_of_work():
        organization = _organization(slug)
        actor = Actor.system(organization.id, "cli:api-key")
        try:
            key, secret = create_api_key(
                actor, name=name, scopes=scopes.split(","), expires_at=expires_at
            )
        except DoorstepError as exc:
            raise click.ClickException(f"{exc.message} {exc.fields or ''}".strip()) from exc
        summary = f"created API key {key.id} {key.name!r} ({', '.join(key.scopes)})"
    click.echo(summary)
    click.echo(secret)


@api_key_group.command("list")
@click.option("--org", "slug", required=True, help="The campaign's slug")
@with_appcontext
def list_command(slug: str) -> None:
    """The campaign's keys: id, name, status, scopes, last used."""
    now = datetime.now(UTC)
    for key in list_api_keys(_organization(slug).id):
        used = key.last_used_at.isoformat(timespec="seconds") if key.last_used_at else "never"
        click.echo(f"{key.id}\t{key.name}\t{key.status_at(now)}\t{','.join(key.scopes)}\t{used}")


@api_key_group.command("revoke")
@click.option("--org", "slug", required=True, help="The campaign's slug")
@click.argument("key_id", type=int)
@with_appcontext
def revoke_command(slug: str, key_id: int) -> None:
    """Stop a key working at once."""
    with acting_as("cli:api-key"), unit_of_work():
        try:
            key = revoke_api_key(get_api_key(_organization(slug).id, key_id))
        except DoorstepError as exc:
            raise click.ClickException(exc.message) from exc
        click.echo(f"revoked API key {key.id} {key.name!r}")

"""What every command that touches one campaign shares: ``--org SLUG`` and its lookup."""

from __future__ import annotations

import click
from sqlalchemy import select

from app.accounts.models import Organization
from app.extensions import db

ORG = click.option("--org", "slug", default=None, help="Organisation slug (default: the only one)")


def organization_id_for(slug: str | None) -> int:
    """The campaign ``--org`` names, or the only one; a clear error otherwise."""
    if slug:
        organization = db.session.scalar(select(Organization).filter_by(slug=slug))
        if organization is None:
            raise click.ClickException(f"No organisation with slug {slug!r}.")
        return organization.id
    ids = db.session.scalars(select(Organization.id).limit(2)).all()
    if len(ids) != 1:
        raise click.ClickException("Name the organisation with --org SLUG.")
    return ids[0]

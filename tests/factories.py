"""Factories named for what they make. They flush, never commit: each test rolls back."""

from __future__ import annotations

import itertools

from app.accounts.models import Organization, User
from app.accounts.operations import create_organization as _create_organization
from app.accounts.operations import create_user as _create_user
from app.auth.permissions import Role
from app.auth.tokens import issue_tokens

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def create_organization(name: str | None = None) -> Organization:
    n = next(_counter)
    return _create_organization(name or f"Campaign {n}", f"campaign-{n}")


def create_user(
    organization: Organization | None = None,
    role: Role = Role.CANVASSER,
    *,
    email: str | None = None,
    password: str = PASSWORD,
    name: str | None = None,
) -> User:
    organization = organization or create_organization()
    n = next(_counter)
    return _create_user(
        organization,
        email=email or f"{role}{n}@example.org",
        name=name or f"{role.title()} {n}",
        role=role,
        password=password,
    )


def auth_headers(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_tokens(user).access_token}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}

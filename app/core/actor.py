"""Who acts: the one value every operation that needs its actor takes first.

A view builds it from the signed-in user (``Actor.of(current_user)``); the CLI, the worker and
the demo build it without a user row (``Actor.system(organization_id, "cli:demo")``).
Operations read ``organization_id`` and ``user_id`` from it; the audit record's actor still
comes from ``app/audit/context.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class _UserLike(Protocol):
    id: int
    organization_id: int
    email: str


@dataclass(frozen=True)
class Actor:
    organization_id: int
    user_id: int | None
    label: str

    @classmethod
    def of(cls, user: _UserLike) -> Actor:
        """The signed-in user as the actor."""
        return cls(organization_id=user.organization_id, user_id=user.id, label=user.email)

    @classmethod
    def system(cls, organization_id: int, label: str) -> Actor:
        """A CLI command, the worker or the demo acting without a user row."""
        return cls(organization_id=organization_id, user_id=None, label=label)

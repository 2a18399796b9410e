"""This release's migrations and where a database stands against them (health, check, restore)."""

from __future__ import annotations

from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from app.config import PROJECT_ROOT


def migration_script() -> ScriptDirectory:
    """The Alembic revisions in migrations/ (what ``doorstep db upgrade`` applies)."""
    return ScriptDirectory(str(PROJECT_ROOT / "migrations"))


@dataclass(frozen=True)
class MigrationState:
    current: list[str]
    head: list[str]

    @property
    def up_to_date(self) -> bool:
        return set(self.current) == set(self.head)


def migration_state(connection: Connection) -> MigrationState:
    current = MigrationContext.configure(connection).get_current_heads()
    return MigrationState(sorted(current), sorted(migration_script().get_heads()))

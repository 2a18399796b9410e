"""PostgreSQL's own tools on the app's database: pg_dump out, pg_restore piped into psql back.

The binaries are PostgreSQL's (``find_pg_bin``: DOORSTEP_PG_BIN, else the newest
/usr/lib/postgresql/*/bin); pg_dump must be at least the server's version. The password goes
in the environment (PGPASSWORD), never on a command line that ``ps`` shows.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from app.backups.archive import BackupError
from app.config import normalise_database_url
from app.core.localdb import LocalDatabaseError, find_pg_bin

#: How long a forced restore waits for a table someone still uses (a web server left running):
#: then it fails and changes nothing, rather than queueing every request behind it.
LOCK_TIMEOUT = "30s"

#: Drops every table, view, sequence, function and type of the public schema that is not an
#: extension's (PostGIS and intarray stay: a role that may not create them can still restore).
#: The names are gathered first, then dropped, as dropping a table drops its sequences too.
CLEAR_PUBLIC_SCHEMA = """
DO $$
DECLARE
  statement text;
  statements text[];
BEGIN
  SELECT array_agg(format('DROP %s IF EXISTS public.%I CASCADE', CASE c.relkind
      WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
      WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, c.relname))
    INTO statements
    FROM pg_class c
   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
     AND NOT c.relispartition
     AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                     AND d.objid = c.oid AND d.deptype = 'e')
     -- A serial's or an identity column's sequence goes with its table (an identity's
     -- cannot be dropped on its own).
     AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d
                                          WHERE d.classid = 'pg_class'::regclass
                                            AND d.objid = c.oid AND d.deptype IN ('a', 'i')));
  SELECT statements || array_agg(format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure))
    INTO statements
    FROM pg_proc p
   WHERE p.pronamespace = 'public'::regnamespace
     AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                     AND d.objid = p.oid AND d.deptype = 'e');
  SELECT statements || array_agg(format('DROP TYPE IF EXISTS public.%I CASCADE', t.typname))
    INTO statements
    FROM pg_type t
   WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'r', 'm')
     AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                     AND d.objid = t.oid AND d.deptype = 'e');
  FOREACH statement IN ARRAY coalesce(statements, '{}') LOOP
    EXECUTE statement;
  END LOOP;
END $$;
"""


@dataclass(frozen=True)
class DatabaseContents:
    """What a database holds in its public schema, besides its extensions' own tables."""

    tables: list[str]
    tables_with_rows: list[str]
    revision: str | None  # alembic_version's, if the table is there

    @property
    def is_empty(self) -> bool:
        return not self.tables

    def describe(self) -> str:
        parts = [f"{len(self.tables)} tables"]
        if self.revision is not None:
            parts.append(f"migrated to {self.revision or 'nothing'}")
        if self.tables_with_rows:
            shown = ", ".join(self.tables_with_rows[:5])
            more = len(self.tables_with_rows) - 5
            parts.append(f"rows in {shown}" + (f" and {more} more" if more > 0 else ""))
        return ", ".join(parts)


_OUR_TABLES = sa.text(
    "SELECT c.relname FROM pg_class c"
    " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')"
    " AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
    " AND d.objid = c.oid AND d.deptype = 'e') ORDER BY 1"
)


def read_contents(database_url: str) -> DatabaseContents:
    """The tables of the public schema (not an extension's), which hold rows, and the migration."""
    engine = sa.create_engine(normalise_database_url(database_url), poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            tables = list(conn.scalars(_OUR_TABLES))
            with_rows = [
                name
                for name in tables
                if conn.scalar(sa.text(f"SELECT EXISTS (SELECT FROM public.{_quote(name)})"))  # noqa: S608
            ]
            revision = None
            if "alembic_version" in tables:
                versions = conn.scalars(sa.text("SELECT version_num FROM alembic_version"))
                revision = "+".join(sorted(versions))
    except sa.exc.OperationalError as exc:
        raise BackupError(f"the database cannot be reached: {exc.orig}") from None
    finally:
        engine.dispose()
    return DatabaseContents(tables, with_rows, revision)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """The URL in libpq's spelling, without its password, and the environment that carries it."""
    url = sa.engine.make_url(normalise_database_url(database_url))
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    try:
        return str(find_pg_bin(name) / name)
    except LocalDatabaseError as exc:
        raise BackupError(str(exc)) from None


def _run(command: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def dump_database(database_url: str, out: Path) -> None:
    """pg_dump, custom format: one consistent snapshot, whatever is written meanwhile."""
    target, env = _libpq(database_url)
    _run(
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-password",
            f"--file={out}",
            f"--dbname={target}",
        ],
        env,
    )


def dump_revision(dump: Path) -> str:
    """The Alembic revision inside a dump (``unmigrated`` without an alembic_version table)."""
    script = _run(
        [_tool("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(dump)]
    )
    rows: list[str] = []
    copying = False
    for line in script.splitlines():
        if line.startswith("COPY ") and "alembic_version" in line:
            copying = True
        elif copying and line == "\\.":
            copying = False
        elif copying and line:
            rows.append(line.strip())
    return "+".join(sorted(rows)) or "unmigrated"


def restore_database(database_url: str, dump: Path, *, clear_first: bool) -> None:
    """Restore ``dump`` in one transaction (psql --single-transaction): all of it or nothing.
    With ``clear_first`` the old tables are dropped in that same transaction, so a restore that
    fails leaves the database as it was."""
    target, env = _libpq(database_url)
    # An extension's comment needs its owner (often not the app's role); the rest is kept.
    listing = _run([_tool("pg_restore"), "--list", str(dump)])
    kept = [line for line in listing.splitlines() if " COMMENT - EXTENSION " not in line]
    clearing = ["-c", f"SET lock_timeout = '{LOCK_TIMEOUT}'", "-c", CLEAR_PUBLIC_SCHEMA]
    with tempfile.TemporaryDirectory(dir=dump.parent) as work:
        items, errors = Path(work) / "items.list", Path(work) / "errors.log"
        items.write_text("\n".join(kept) + "\n")
        write_script = [_tool("pg_restore"), "--no-owner", "--no-privileges",
                        f"--use-list={items}", "--file=-", str(dump)]  # fmt: skip
        run_script = [_tool("psql"), "-X", "-q", "--no-password", "-v", "ON_ERROR_STOP=1",
                      "--single-transaction", f"--dbname={target}",
                      *(clearing if clear_first else []), "-f", "-"]  # fmt: skip
        with open(errors, "w") as log:
            script = subprocess.Popen(write_script, stdout=subprocess.PIPE, stderr=log)  # noqa: S603
            psql = subprocess.run(run_script, stdin=script.stdout, stdout=subprocess.DEVNULL,  # noqa: S603
                                  stderr=log, env=env, check=False)  # fmt: skip
            assert script.stdout is not None
            script.stdout.close()
            script.wait()
        if psql.returncode != 0 or script.returncode != 0:
            raise BackupError(
                "the restore failed and was rolled back; the database is as it was: "
                + errors.read_text().strip()[-2000:]
            )

"""One unit of work: commit once, then deliver what waited for the commit.

The request boundary (``app/core/http.py``), CLI commands and the worker all end their work
here, so "commit, then deliver" is written once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from app.core.signals import after_commit, after_rollback
from app.extensions import db


def commit() -> None:
    """Commit the session, then tell the receivers of ``after_commit``."""
    db.session.commit()
    after_commit.send(db.session())


def rollback() -> None:
    """Roll back the session and drop what waited for a commit."""
    db.session.rollback()
    after_rollback.send(db.session())


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block did, then deliver; on any exception roll back and re-raise."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()

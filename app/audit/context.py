"""Who is acting and from where, for the audit records operations write.

Operations never read the Flask request; the request boundary (or a CLI command) fills this
context, and ``record_audit`` reads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, replace

from app.core.signals import request_finished, request_started


@dataclass(frozen=True)
class AuditContext:
    actor_user_id: int | None = None
    actor_label: str = "anonymous"
    organization_id: int | None = None
    request_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None


# AuditContext is frozen, so sharing the default instance is safe.
_current: ContextVar[AuditContext] = ContextVar(
    "doorstep_audit_context",
    default=AuditContext(),  # noqa: B039
)
_request_token: ContextVar[Token | None] = ContextVar("doorstep_audit_token", default=None)


def current_audit_context() -> AuditContext:
    return _current.get()


def begin_request_context(*, request_id: str, ip: str | None, user_agent: str | None) -> None:
    _request_token.set(
        _current.set(AuditContext(request_id=request_id, ip=ip, user_agent=user_agent))
    )


def end_request_context() -> None:
    token = _request_token.get()
    if token is not None:
        _current.reset(token)
        _request_token.set(None)


@request_started.connect
def _begin_request(
    _sender: object, *, request_id: str, ip: str | None, user_agent: str | None
) -> None:
    begin_request_context(request_id=request_id, ip=ip, user_agent=user_agent)


@request_finished.connect
def _end_request(_sender: object) -> None:
    end_request_context()


def set_actor(*, user_id: int, label: str, organization_id: int) -> None:
    """Name the signed-in user as the actor for the rest of this request."""
    _current.set(
        replace(
            _current.get(),
            actor_user_id=user_id,
            actor_label=label,
            organization_id=organization_id,
        )
    )


def set_key_actor(*, label: str, organization_id: int) -> None:
    """Name an API key (no user row) as the actor for the rest of this request."""
    _current.set(
        replace(_current.get(), actor_user_id=None, actor_label=label,
                organization_id=organization_id)
    )  # fmt: skip


@contextmanager
def acting_as(
    label: str, *, user_id: int | None = None, organization_id: int | None = None
) -> Iterator[None]:
    """Attribute audit records made outside a request (CLI, jobs) to ``label``."""
    token = _current.set(
        AuditContext(actor_user_id=user_id, actor_label=label, organization_id=organization_id)
    )
    try:
        yield
    finally:
        _current.reset(token)

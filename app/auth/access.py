"""Guards for endpoints: every view says who may call it, in terms of ``permissions.py``."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from functools import wraps
from typing import Any

from flask_jwt_extended import current_user as jwt_current_user
from flask_jwt_extended import get_jwt, verify_jwt_in_request

from app.accounts.models import User
from app.audit.context import set_actor
from app.auth.permissions import BROWSE_LIMITS, HIDDEN_PERSON_FIELDS, Access, Permission
from app.core.actor import Actor
from app.core.errors import PermissionDenied

#: Attribute on a view function naming its Permission or Access; the role matrix reads it.
ACCESS_ATTRIBUTE = "_doorstep_access"


def current_user() -> User:
    return jwt_current_user


def current_actor() -> Actor:
    """The signed-in user as the ``Actor`` operations take."""
    return Actor.of(jwt_current_user)


def current_claims() -> dict[str, Any]:
    return get_jwt()


def check_browse(user: User, args: dict[str, Any]) -> None:
    """Refuse a page beyond what the user's role may read of one search (BROWSE_LIMITS)."""
    limit = BROWSE_LIMITS[user.role]
    if limit is not None and args["page"] * args["per_page"] > limit:
        raise PermissionDenied(
            f"Your role ({user.role}) may read the first {limit} people of a search: narrow "
            "it, or ask for an export.",
            code="browse_limit",
            fields={"page": [f"page x per_page may not exceed {limit}."]},
        )


def hidden_person_fields(user: User) -> frozenset[str]:
    """The fields of a person the user's role is not shown (HIDDEN_PERSON_FIELDS)."""
    return HIDDEN_PERSON_FIELDS[user.role]


def _mark(wrapper: Callable, access: Permission | Access, *, secured: bool) -> None:
    setattr(wrapper, ACCESS_ATTRIBUTE, access)
    # Say it in the OpenAPI document too, so clients and schemathesis know.
    wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))
    manual = wrapper._apidoc.setdefault("manual_doc", {})
    manual["x-doorstep-access"] = str(access)
    if secured:
        manual["security"] = [{"bearerAuth": []}]
    else:
        manual["security"] = []


def _authenticate(*, refresh: bool = False) -> User:
    verify_jwt_in_request(refresh=refresh)
    user = current_user()
    set_actor(user_id=user.id, label=user.email, organization_id=user.organization_id)
    return user


def require(permission: Permission) -> Callable:
    """Allow the view to users whose role has ``permission`` (401 signed out, 403 otherwise)."""

    def decorator(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = _authenticate()
            if not user.can(permission):
                raise PermissionDenied(f"Your role ({user.role}) may not do this ({permission}).")
            return func(*args, **kwargs)

        _mark(wrapper, permission, secured=True)
        return wrapper

    return decorator


def signed_in(func: Callable) -> Callable:
    """Allow the view to any active signed-in user (their own session and profile)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _authenticate()
        return func(*args, **kwargs)

    _mark(wrapper, Access.SIGNED_IN, secured=True)
    return wrapper


def refresh_token_required(func: Callable) -> Callable:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _authenticate(refresh=True)
        return func(*args, **kwargs)

    _mark(wrapper, Access.REFRESH_TOKEN, secured=True)
    return wrapper


def public(func: Callable) -> Callable:
    """Open to anyone (sign-in, accepting an invitation)."""
    _mark(func, Access.PUBLIC, secured=False)
    return func

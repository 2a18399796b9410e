"""The guard of integration endpoints: an API key with a scope, instead of a user's token."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from app.apikeys.models import ApiKey, ApiScope
from app.apikeys.operations import authenticate_api_key
from app.core.errors import NotAuthenticated, PermissionDenied

#: The OpenAPI security scheme of these endpoints (registered in app.core.api).
SECURITY = [{"osdiApiToken": []}, {"bearerAuth": []}]


def _secret_from_headers() -> str:
    # Werkzeug's headers are case-insensitive. A token header sent, even empty, is the one
    # read: a client that sends a wrong key is told so, whatever else it sends.
    if "OSDI-API-Token" in request.headers:
        secret = request.headers["OSDI-API-Token"].strip()
    else:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        secret = value.strip() if scheme.lower() == "bearer" else ""
    if not secret:
        raise NotAuthenticated(
            "Send an API key in the OSDI-API-Token header.", code="invalid_api_key"
        )
    return secret


def current_key() -> ApiKey:
    return g.api_key


def require_scope(scope: ApiScope | None) -> Callable:
    """Allow the view to an active key holding ``scope`` (any active key for None; 401
    without one, 403 without the scope)."""

    def decorator(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = authenticate_api_key(
                _secret_from_headers(), method=request.method, path=request.path
            )
            if scope is not None and scope.value not in key.scopes:
                raise PermissionDenied(
                    f"This key ({key.name}) lacks the scope {scope.value}.", code="scope_missing"
                )
            g.api_key = key
            return func(*args, **kwargs)

        wrapper._apidoc = dict(getattr(wrapper, "_apidoc", {}))
        manual = dict(wrapper._apidoc.get("manual_doc", {}))
        manual["x-doorstep-access"] = f"api-key:{scope.value if scope else 'any'}"
        manual["security"] = SECURITY
        wrapper._apidoc["manual_doc"] = manual
        return wrapper

    return decorator

"""One error shape for every failure.

Every error leaves the API as::

    {"error": {"status": 422, "code": "validation_error", "message": "...",
               "fields": {...}, "request_id": "..."}}

Domain code raises a ``DoorstepError`` subclass; Werkzeug's HTTP errors, webargs'
validation errors and anything unexpected are translated here. Internals go to the log only.
"""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask import Flask, g, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DoorstepError(Exception):
    """Base of the errors a client may see: HTTP status, stable code, user-safe message."""

    status = 400
    code = "bad_request"
    message = "The request could not be processed."
    #: Commit the request's transaction even though it fails (e.g. a failed login is a fact).
    keeps_transaction = False

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.code = code or self.code
        self.fields = fields
        self.headers = headers or {}


class ValidationError(DoorstepError):
    status = 422
    code = "validation_error"
    message = "Some fields are invalid."


class NotAuthenticated(DoorstepError):
    status = 401
    code = "not_authenticated"
    message = "Sign in to continue."


class PermissionDenied(DoorstepError):
    status = 403
    code = "forbidden"
    message = "Your role does not allow this."


class NotFound(DoorstepError):
    status = 404
    code = "not_found"
    message = "Not found."


class Conflict(DoorstepError):
    status = 409
    code = "conflict"
    message = "This conflicts with existing data."


class Gone(DoorstepError):
    status = 410
    code = "gone"
    message = "This is no longer available."


class TooManyRequests(DoorstepError):
    status = 429
    code = "rate_limited"
    message = "Too many attempts; try again later."

    def __init__(self, message: str | None = None, *, retry_after: int, **kwargs: Any):
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))}, **kwargs)
        self.retry_after = max(1, retry_after)


# Stable codes for the HTTP errors Werkzeug raises before our code runs.
_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


class ErrorBodySchema(ma.Schema):
    status = ma.fields.Integer(required=True)
    code = ma.fields.String(required=True, metadata={"description": "Stable machine code"})
    message = ma.fields.String(required=True)
    fields = ma.fields.Dict(metadata={"description": "Field (or row) -> problems"})
    request_id = ma.fields.String(allow_none=True)


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorBodySchema, required=True)


def error_response(
    status: int,
    code: str,
    message: str,
    fields: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
):
    body: dict[str, Any] = {
        "status": status,
        "code": code,
        "message": message,
        "request_id": g.get("request_id"),
    }
    if fields:
        body["fields"] = fields
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten_webargs(messages: dict[str, Any]) -> dict[str, Any]:
    # webargs nests by location ({"json": {"email": [...]}}); clients want the field names.
    fields: dict[str, Any] = {}
    for location, problems in messages.items():
        if isinstance(problems, dict):
            _add_dotted(fields, problems)
        else:
            fields[location] = problems
    return fields


def _add_dotted(fields: dict[str, Any], problems: dict[Any, Any], prefix: str = "") -> None:
    # Nested schemas report {"phones": {"0": {"number": [...]}}}; clients get "phones.0.number",
    # the same name an operation uses when it refuses a value (see app.core.contact).
    for key, value in problems.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            _add_dotted(fields, value, name)
        else:
            fields[name] = value


def handle_doorstep_error(exc: DoorstepError):
    if exc.keeps_transaction:
        g.keep_transaction = True
    return error_response(exc.status, exc.code, exc.message, exc.fields, exc.headers)


def handle_http_exception(exc: HTTPException):
    status = exc.code or 500
    if status >= 500:
        return handle_unexpected(exc)
    data = getattr(exc, "data", None) or {}
    # Keep what the exception says in headers (e.g. Allow on a 405), not its HTML body type.
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    if status == 422 and "messages" in data:
        return error_response(
            422,
            "validation_error",
            "Some fields are invalid.",
            _flatten_webargs(data["messages"]),
            headers,
        )
    code = _HTTP_CODES.get(status, "http_error")
    message = data.get("message") or exc.description or exc.name
    return error_response(status, code, message, headers=headers)


def handle_unexpected(exc: BaseException):
    log.error("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "Something went wrong on our side.")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DoorstepError, handle_doorstep_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)

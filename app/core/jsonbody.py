"""Reading a JSON request body: a limit on nesting, and a PATCH must change something.

Python's parser and every walk over the parsed value recurse once per level: a body nested a
thousand deep ends in RecursionError (a 500) before any schema sees it. No Doorstep request
needs more than a few levels, so deeper bodies are refused as bad requests, in one place for
webargs (every ``blp.arguments``) and for ``request.get_json``.
"""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from app.core.errors import DoorstepError, ValidationError

#: Deepest nesting of objects and arrays a request body may have.
MAX_JSON_DEPTH = 32


class JsonTooDeep(DoorstepError):
    status = 400
    code = "json_too_deep"
    message = f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels."


def check_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> Any:
    """Return ``value``, or raise JsonTooDeep when its containers nest deeper than ``limit``.

    Walks with a stack, not recursion, so it cannot itself run out of stack."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            raise JsonTooDeep()
        stack.extend((child, depth + 1) for child in children)
    return value


def _loads(load, *args: Any, **kwargs: Any) -> Any:
    try:
        return check_depth(load(*args, **kwargs))
    except RecursionError:
        raise JsonTooDeep() from None


class DoorstepJSONProvider(DefaultJSONProvider):
    """``request.get_json`` with the depth limit."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return _loads(json.loads, s, **kwargs)


class NothingToChange(ValidationError):
    code = "nothing_to_change"
    message = "Nothing to change: give at least one field."


class DoorstepParser(FlaskParser):
    """webargs' parser for every ``blp.arguments``, with the depth limit; a PATCH body must
    name at least one field (an empty one is a client's mistake, not a no-op)."""

    def load_json(self, req, schema) -> Any:
        data = super().load_json(req, schema)
        if req.method == "PATCH" and (data is core.missing or data == {}):
            raise NothingToChange(fields={"_schema": [NothingToChange.message]})
        return data

    def _raw_load_json(self, req) -> Any:
        if not is_json_request(req):
            return core.missing
        return _loads(core.parse_json, req.get_data(cache=True))

"""OSDI's filters: the OData subset (``modified_date gt '2014-03-25'``, ``email_address eq
'...'``, ``and``/``or``/``not``), parsed by ``odata-query`` into a tree and compiled onto a
whitelist of fields per collection. Never raw SQL: a field not in the whitelist, an operator
the field does not take or a value of the wrong type is a 400 naming ``filter``."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from odata_query import ast
from odata_query.exceptions import ODataException
from odata_query.grammar import ODataLexer, ODataParser
from sqlalchemy import ColumnElement, and_, not_, or_

from app.core.errors import DoorstepError

MAX_FILTER_LENGTH = 500

_COMPARATORS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


class BadFilter(DoorstepError):
    status = 400
    code = "bad_filter"

    def __init__(self, message: str):
        super().__init__(message, fields={"filter": [message]})


@dataclass(frozen=True)
class Field:
    """A field clients may filter on: ``build(compare, value)`` makes the SQL clause;
    ``kind`` is the value's type (text, datetime, date, integer); ``equality`` limits the
    field to ``eq`` and ``ne`` (an email is found, not ordered)."""

    build: Callable[[Callable[[Any, Any], Any], Any], ColumnElement[bool]]
    kind: str = "text"
    equality: bool = False


def column(col: Any, kind: str = "text", *, equality: bool = False) -> Field:
    return Field(lambda compare, value: compare(col, value), kind, equality)


def compile_filter(text: str | None, fields: Mapping[str, Field]) -> ColumnElement[bool] | None:
    """The clause ``text`` means over ``fields``; None for no filter."""
    if text is None or not text.strip():
        return None
    if len(text) > MAX_FILTER_LENGTH:
        raise BadFilter(f"A filter is at most {MAX_FILTER_LENGTH} characters.")
    try:
        tree = ODataParser().parse(ODataLexer().tokenize(text))
    except ODataException as exc:
        raise BadFilter(f"The filter is not OData: {exc}") from None
    return _compile(tree, fields)


def _compile(node: Any, fields: Mapping[str, Field]) -> ColumnElement[bool]:
    if isinstance(node, ast.BoolOp):
        combine = and_ if isinstance(node.op, ast.And) else or_
        return combine(_compile(node.left, fields), _compile(node.right, fields))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not_(_compile(node.operand, fields))
    if isinstance(node, ast.Compare) and type(node.comparator) in _COMPARATORS:
        left, right, comparator = node.left, node.right, node.comparator
        if isinstance(right, ast.Identifier) and not isinstance(left, ast.Identifier):
            left, right = right, left
            comparator = _MIRROR.get(type(comparator), comparator)
        if not isinstance(left, ast.Identifier):
            raise BadFilter("Compare a field with a value: field eq 'value'.")
        name = ".".join([*left.namespace, left.name])
        field = fields.get(name)
        if field is None:
            allowed = ", ".join(sorted(fields)) or "none"
            raise BadFilter(f"Cannot filter on {name!r}; fields: {allowed}.")
        if field.equality and not isinstance(comparator, ast.Eq | ast.NotEq):
            raise BadFilter(f"{name} takes eq or ne only.")
        return field.build(_COMPARATORS[type(comparator)], _value(right, field.kind, name))
    raise BadFilter("Filters compare fields (eq, ne, gt, ge, lt, le) joined by and, or, not.")


_MIRROR = {ast.Lt: ast.Gt(), ast.Gt: ast.Lt(), ast.LtE: ast.GtE(), ast.GtE: ast.LtE()}


def _value(node: Any, kind: str, name: str) -> Any:
    raw = getattr(node, "val", None)
    if not isinstance(node, ast._Literal) or isinstance(node, ast.Null) or raw is None:
        raise BadFilter(f"{name} is compared with a value.")
    try:
        if kind == "datetime":
            moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if kind == "date":
            return date.fromisoformat(str(raw)[:10])
        if kind == "integer":
            return int(raw)
    except (TypeError, ValueError):
        raise BadFilter(f"{name} takes a {kind} ('2014-03-25' for a date).") from None
    text = str(raw)
    if "\x00" in text or len(text) > 254:
        raise BadFilter(f"{name}: the value is not one a field holds.")
    return text

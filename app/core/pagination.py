"""Pagination and sorting, done one way for every list endpoint.

Query parameters: ``page`` (from 1), ``per_page`` (1-200, default 50) and ``sort``: a
comma-separated list of field names, each optionally prefixed with ``-`` for descending.
Responses: ``{"items": [...], "page": 1, "per_page": 50, "total": 123, "pages": 3}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import marshmallow as ma
from sqlalchemy import Select, func, select

from app.core.errors import ValidationError
from app.core.schemas import StrictSchema
from app.extensions import db

MAX_PER_PAGE = 200


class PageArgsSchema(StrictSchema):
    """Query of a list endpoint; unknown parameters are refused (a typo is not a no-op)."""

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    per_page = ma.fields.Integer(
        load_default=50, validate=ma.validate.Range(min=1, max=MAX_PER_PAGE)
    )


def sort_field(sortable: Mapping[str, Any]) -> ma.fields.String:
    """The ``sort`` parameter of a list whose query sorts by the keys of ``sortable``."""
    names = "|".join(sorted(sortable))
    # Each field at most once: the pattern bounds the length by itself (a length limit beside
    # an open-ended pattern costs client generators a search for strings of exactly that size).
    more = len(sortable) - 1
    return ma.fields.String(
        load_default=None,
        validate=ma.validate.Regexp(
            rf"^-?({names})(,-?({names})){{0,{more}}}$", error="Unknown sort field."
        ),
        metadata={
            "description": "Comma-separated, '-' for descending; fields: "
            + ", ".join(sorted(sortable))
        },
    )


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return (self.total + self.per_page - 1) // self.per_page


def _order_by(sort: str | None, sortable: Mapping[str, Any], default: list[Any]) -> list[Any]:
    if not sort:
        return default
    clauses = []
    for raw in sort.split(","):
        name = raw.strip()
        descending = name.startswith("-")
        name = name.lstrip("-")
        if name not in sortable:
            allowed = ", ".join(sorted(sortable))
            raise ValidationError(
                f"Cannot sort by {name!r}; sort by one of: {allowed}.",
                fields={"sort": [f"Unknown sort field {name!r}."]},
            )
        column = sortable[name]
        clauses.append(column.desc() if descending else column.asc())
    return clauses + default  # the default order breaks ties, so pages are stable


def paginate(
    stmt: Select,
    args: Mapping[str, Any],
    *,
    sortable: Mapping[str, Any],
    default_order: list[Any],
) -> Page:
    """Run ``stmt`` for one page; ``default_order`` must end on a unique column."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page, per_page = args["page"], args["per_page"]
    ordered = stmt.order_by(*_order_by(args.get("sort"), sortable, default_order))
    items = db.session.scalars(ordered.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=list(items), page=page, per_page=per_page, total=total or 0)


@cache
def page_schema(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The response schema of a page of ``item_schema`` (one class per item schema)."""
    return type(
        f"{item_schema.__name__.removesuffix('Schema')}PageSchema",
        (ma.Schema,),
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
            "page": ma.fields.Integer(required=True),
            "per_page": ma.fields.Integer(required=True),
            "total": ma.fields.Integer(required=True),
            "pages": ma.fields.Integer(required=True),
        },
    )

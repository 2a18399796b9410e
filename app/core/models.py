"""Declarative base and the mixins every domain's models share."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, DateTime, Enum, ForeignKey, MetaData, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, registry

# Stable constraint names, so Alembic can drop what it created.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={
            datetime: DateTime(timezone=True),
            dict[str, Any]: JSONB,
            int: BigInteger,
        },
    )


def text_enum(enum_class: type[StrEnum], name: str) -> Enum:
    """A StrEnum column stored as text with a CHECK constraint (easier to migrate than a type)."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [member.value for member in members],
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class OrganizationOwnedMixin:
    """Campaign-owned rows carry the campaign they belong to; every query filters on it."""

    #: False where a composite index already starts with organization_id.
    __organization_index__ = True
    #: False on bulk tables written only by set-based imports (votes): the foreign key check
    #: costs a row lock per inserted row, and the import SQL sets the column itself.
    __organization_fk__ = True

    @declared_attr
    def organization_id(cls) -> Mapped[int]:
        if not cls.__organization_fk__:
            return mapped_column(BigInteger, index=cls.__organization_index__, nullable=False)
        return mapped_column(
            ForeignKey("organizations.id", ondelete="RESTRICT"),
            index=cls.__organization_index__,
            nullable=False,
        )

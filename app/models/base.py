"""Declarative base with a naming convention (Alembic batch mode needs named constraints)."""

import enum
from typing import Any

from sqlalchemy import Enum, MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def vocab(enum_cls: type[enum.Enum], name: str) -> Enum:
    """Portable enum type: VARCHAR plus a named CHECK, the same on SQLite and PostgreSQL."""
    kwargs: dict[str, Any] = {"native_enum": False, "create_constraint": True, "length": 40}
    return Enum(enum_cls, name=name, validate_strings=True, **kwargs)

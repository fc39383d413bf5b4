"""The `q` filter of the drug and effect lists: a fragment of a name, slug or alias."""

from typing import Any

from sqlalchemy import Select, or_, select

from app.models import Alias
from app.name_keys import like_pattern


def matching_names(model: Any, alias_owner: Any, q: str) -> Select[tuple[int]]:
    """Ids of MODEL rows whose name key, slug or an alias contains the fragment Q."""
    pattern = like_pattern(q)
    aliases = select(alias_owner).where(
        alias_owner.isnot(None), Alias.key.like(pattern, escape="\\")
    )
    return select(model.id).where(
        or_(
            model.key.like(pattern, escape="\\"),
            model.slug.like(pattern.replace(" ", "-"), escape="\\"),
            model.id.in_(aliases),
        )
    )


def listed_ids(model: Any, alias_owner: Any, q: str | None) -> Select[tuple[int]]:
    """The ids a list of MODEL starts from: every row, or those matching Q."""
    stmt = select(model.id)
    return stmt.where(model.id.in_(matching_names(model, alias_owner, q))) if q else stmt

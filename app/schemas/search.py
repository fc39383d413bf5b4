from typing import Literal

from pydantic import Field

from app.enums import MatchKind
from app.schemas.common import Schema


class SearchHit(Schema):
    type: Literal["drug", "effect"]
    slug: str = Field(
        description="Canonical slug: use it in /v1/drugs/{drug} or /v1/effects/{effect}."
    )
    name: str
    matched: str = Field(description="The name that matched (canonical, brand or synonym).")
    match: MatchKind = Field(description="exact, alias (brand/synonym), prefix or fuzzy.")
    alias_kind: str | None = Field(None, description="brand, synonym ... for alias matches.")
    score: float = Field(description="0-100; higher is better.")


class SearchResults(Schema):
    query: str
    items: list[SearchHit]

from typing import Literal

from pydantic import Field

from app.enums import AliasKind, MatchKind
from app.schemas.common import Page, Schema


class SearchHit(Schema):
    type: Literal["drug", "effect"] = Field(description="What the slug names.")
    slug: str = Field(
        description="Canonical slug: use it in /v1/drugs/{drug} or /v1/effects/{effect}."
    )
    name: str = Field(description="Display name.")
    matched: str = Field(description="The name that matched (canonical, brand or synonym).")
    match: MatchKind = Field(description="exact, alias, prefix, fuzzy or salt.")
    alias_kind: AliasKind | Literal["meddra_term"] | None = Field(
        description="For alias matches: brand, synonym ... or meddra_term."
    )
    score: float = Field(description="0-100; higher is better (see the operation's scoring).")


class SearchResults(Page[SearchHit]):
    query: str = Field(description="The query as received.")

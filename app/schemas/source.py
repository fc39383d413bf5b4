from datetime import UTC, datetime

from pydantic import field_validator

from app.schemas.common import Schema
from app.schemas.drug import SourceSummary


class SourceBacking(Schema):
    drugs: int
    drug_effects: int
    evidence: int
    drug_uses: int
    warnings: int
    effect_facts: int


class SourceDetail(SourceSummary):
    summary: str | None
    document: str | None
    backs: SourceBacking
    drug_slugs: list[str]


class ReleaseRead(Schema):
    name: str
    checksum: str
    loaded_at: datetime

    @field_validator("loaded_at")
    @classmethod
    def _as_utc(cls, value: datetime) -> datetime:
        # Stored as UTC; SQLite hands it back without a zone.
        return value if value.tzinfo else value.replace(tzinfo=UTC)


class MetaCounts(Schema):
    drugs: int
    effects: int
    drug_effects: int
    evidence: int
    sources: int


class MetaRead(Schema):
    name: str
    api_version: str
    data_version: str
    releases: list[ReleaseRead]
    counts: MetaCounts
    sources: list[SourceSummary]
    disclaimer: str

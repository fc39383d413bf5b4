from datetime import datetime

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

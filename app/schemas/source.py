from datetime import UTC, date, datetime

from pydantic import Field, field_validator

from app.enums import SourceKind
from app.schemas.common import AnchorRef, Schema, SourceRef


class SourceSummary(SourceRef):
    kind: SourceKind = Field(
        description="article, blog_post, drug_label, database_release or curation."
    )
    publisher: str | None = Field(description="Who published it, where stated.")
    url: str | None = Field(description="Where it is, where known.")
    published_date: date | None = Field(description="When, where stated.")
    licence: str | None = Field(description="Its licence, where stated.")


class SourceBacking(Schema):
    drugs: int = Field(description="Drugs with a statement or record from it.")
    drug_effects: int = Field(description="Drug-effect records it backs.")
    evidence: int = Field(description="Imported rows of its own values.")
    statements: int = Field(description="Cited statements (each use, warning, fact ...).")


class SourceDetail(SourceSummary):
    summary: str | None = Field(description="What it covers.")
    document: str | None = Field(description="File name of the stored document.")
    anchors: list[AnchorRef] = Field(description="The places in it that statements cite.")
    backs: SourceBacking = Field(description="What it backs.")
    drug_slugs: list[str] = Field(description="Slugs of drugs it backs, at most 100.")


class ReleaseRead(Schema):
    name: str = Field(
        description="seed or sider (a load), or read-model (the format of the stored "
        "records, rewritten by every load)."
    )
    checksum: str = Field(description="Checksum of the loaded files and loader.")
    loaded_at: datetime = Field(description="When it was loaded (UTC).")

    @field_validator("loaded_at")
    @classmethod
    def _as_utc(cls, value: datetime) -> datetime:
        # Stored as UTC; SQLite hands it back without a zone.
        return value if value.tzinfo else value.replace(tzinfo=UTC)


class MetaCounts(Schema):
    drugs: int = Field(description="Drugs.")
    effects: int = Field(description="Effects.")
    drug_effects: int = Field(description="Drug-effect records (flagged included).")
    flagged: int = Field(description="Of which flagged, left out of default answers.")
    evidence: int = Field(description="Imported rows of sources' own values.")
    sources: int = Field(description="Sources.")


class MetaRead(Schema):
    name: str = Field(description="sidefx.")
    api_version: str = Field(description="The API's version (also in the OpenAPI document).")
    data_version: str = Field(description="Changes whenever the data does (ETags include it).")
    releases: list[ReleaseRead] = Field(description="What was loaded and when.")
    counts: MetaCounts = Field(description="Record counts.")
    sources: list[SourceSummary] = Field(description="Sources with their licences.")
    disclaimer: str = Field(description="Information, not medical advice.")

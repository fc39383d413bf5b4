"""The export's manifest (/v1/export/manifest.json, and manifest.json of `sidefx export`)."""

from pydantic import Field

from app.enums import SourceKind
from app.schemas.common import Schema


class ExportFile(Schema):
    name: str = Field(description="File name (`drug-effects.ndjson`).")
    records: int = Field(
        description="Record lines it holds; the HTTP stream adds a trailer line with this count."
    )
    url: str = Field(description="Where the API streams it.")
    key: str = Field(
        description="What identifies a line, for `after=` (resume): `slug`, or "
        "`drug/effect/context` (a record's drug slug, effect slug and context)."
    )


class ExportSource(Schema):
    slug: str = Field(description="Source slug.")
    title: str = Field(description="Title.")
    kind: SourceKind = Field(description="article, blog_post, drug_label, database_release ...")
    licence: str | None = Field(description="Its licence, where stated.")
    url: str | None = Field(description="Where it is, where known.")


class ExportManifest(Schema):
    data_version: str = Field(description="The data the counts describe (X-Data-Version).")
    api_version: str = Field(description="The API's version.")
    files: list[ExportFile] = Field(description="The export's files.")
    sources: list[ExportSource] = Field(description="Every source with its licence.")
    licence_notice: str = Field(description="The terms the records are under.")

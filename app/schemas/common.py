"""Schema base, the page envelope, problem details and the shared references.

One shape per concept, everywhere: a drug is a DrugRef, an effect an EffectRef, a source a
SourceRef, and where a statement is from a list of Citations.
"""

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from app.enums import AnchorKind, BodySystem, EffectKind

T = TypeVar("T")

DISCLAIMER = (
    "sidefx provides drug information for reference only. It is not medical advice and does not "
    "replace a clinician's judgement: do not start, stop or change a medicine because of it."
)


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(Schema, Generic[T]):
    items: list[T] = Field(description="This page's records, in the list's order.")
    total: int = Field(description="Number of matching records across all pages.")
    limit: int = Field(description="Page size asked for (1-100).")
    offset: int = Field(description="Records skipped before this page.")


class DrugRef(Schema):
    """A drug, as every response names one."""

    slug: str = Field(description="Canonical slug: use it in /v1/drugs/{drug}.")
    name: str = Field(description="Display name.")


class EffectRef(Schema):
    """An effect (symptom or condition), as every response names one."""

    slug: str = Field(description="Canonical slug: use it in /v1/effects/{effect}.")
    name: str = Field(description="Display name.")
    kind: EffectKind = Field(description="`symptom`, or `condition` for what sources describe.")
    body_system: BodySystem | None = Field(description="Body system; null when not classified.")


class ClassRef(Schema):
    """A drug class (see /v1/vocabularies, `drug_classes`)."""

    slug: str = Field(description="Class slug: use it as `drug_class=`.")
    name: str = Field(description="Display name.")


class SourceRef(Schema):
    """A source (document, dataset release, curators' notes)."""

    slug: str = Field(description="Source slug: see /v1/sources/{source}.")
    title: str = Field(description="The source's title.")


class AnchorRef(Schema):
    """Where in a source: a heading, a paragraph number, a file of a dataset, a section of the
    curators' notes."""

    key: str = Field(description="Anchor key, unique within the source (`p4`, a heading slug).")
    kind: AnchorKind = Field(description="heading, paragraph, file or section.")
    label: str = Field(
        description="The heading exactly as the document has it, or a few words saying what "
        "the paragraph, file or section holds."
    )


class Citation(Schema):
    """A promise: this statement is in that place of that source."""

    source: SourceRef = Field(description="The source that states it.")
    anchor: AnchorRef = Field(description="Where in the source it is stated.")


class CitedText(Schema):
    """A statement in the project's own words, with where it is stated."""

    text: str = Field(description="What the source states, in sidefx's words.")
    cites: list[Citation] = Field(description="Every place that states it (at least one).")


class ProblemDetail(BaseModel):
    """RFC 9457 problem details, the body of every error response."""

    type: str = Field(
        description="URI of the problem kind (GET it for its documentation): tell problems "
        "apart by this, not by `detail`.",
        examples=["/v1/problems/unknown-drug"],
    )
    title: str = Field(description="Short summary of the problem kind.")
    status: int = Field(description="HTTP status code.", examples=[404])
    detail: str = Field(description="What went wrong with this request, for humans.")
    instance: str = Field(description="The request path.")
    request_id: str | None = Field(None, description="The X-Request-ID of the request.")
    errors: list[dict[str, Any]] | None = Field(
        None,
        description="422 only: each invalid field, with `loc`, `msg`, `type` and, where a "
        "limit applies, `limit`.",
    )
    suggestions: list[str] | None = Field(
        None, description="Unknown drug or effect: slugs of close names."
    )

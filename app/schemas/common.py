"""Schema base, the page envelope, problem details and the shared references.

One shape per concept, everywhere: a drug is a DrugRef, an effect an EffectRef, a source a
SourceRef, and where a statement is from a list of Citations.
"""

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from app.enums import AnchorKind, BodySystem, EffectKind

T = TypeVar("T")

DISCLAIMER = (
    "sidefx provides drug information for reference only. It is not medical advice and does not "
    "replace a clinician's judgement: do not start, stop or change a medicine because of it."
)


class Schema(BaseModel):
    # Every response field is always sent: the published schema says so (required), whatever
    # its default, so generated clients get no optional fields the API never leaves out.
    model_config = ConfigDict(
        from_attributes=True, json_schema_serialization_defaults_required=True
    )


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PageLink(Schema):
    """Another page of the same list: its URL to follow, or its offset for a client that
    builds the request from parameters (a generated client)."""

    url: str = Field(description="Path and query of the page, as in the `Link` header.")
    offset: int = Field(description="Its `offset` (the other parameters are this request's).")


class PageLinks(Schema):
    """The neighbouring pages, the same as the `Link` header's `next` and `prev`."""

    next: PageLink | None = Field(None, description="The next page; null on the last page.")
    prev: PageLink | None = Field(None, description="The previous page; null on the first.")


class Page(Schema, Generic[T]):
    items: list[T] = Field(description="This page's records, in the list's order.")
    total: int = Field(description="Number of matching records across all pages.")
    limit: int = Field(description="Page size asked for (1-100; search 1-50).")
    offset: int = Field(description="Records skipped before this page.")
    links: PageLinks = Field(
        default_factory=PageLinks,
        description="URLs of the next and previous pages (as in the `Link` header).",
    )


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
    body_system_approximate: bool | None = Field(
        default=None,
        description="true when the body system is HPO's organ system of the effect's concept "
        "(an approximation); false when curated or the MedDRA preferred term's primary system "
        "organ class; null without a body system.",
    )


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


class ProblemError(BaseModel):
    """One invalid parameter or body field of a 422."""

    loc: list[str | int] = Field(
        description="Where: `query`, `path` or `body`, then the name (and list index)."
    )
    msg: str = Field(description="What is wrong with it, for humans.")
    type: str = Field(
        description="The kind of error: pydantic's (`less_than_equal`, `string_too_long`, "
        "`enum` ...) or sidefx's (`value_error`, `unknown_parameter`, `repeated_parameter`, "
        "`too_many_drugs`, `too_few_drugs`)."
    )
    limit: int | float | str | None = Field(
        None, description="The limit or rule broken, where one applies (`100`, a pattern)."
    )


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
    errors: list[ProblemError] | None = Field(
        None,
        description="422 only: each invalid field, with `loc`, `msg`, `type` and, where a "
        "limit applies, `limit`.",
    )
    suggestions: list[str] | None = Field(
        None, description="Unknown drug or effect: slugs of close names."
    )

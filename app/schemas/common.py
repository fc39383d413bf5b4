"""Schema base, the page envelope, problem details and small shared shapes."""

from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

T = TypeVar("T")

DISCLAIMER = (
    "sidefx provides drug information for reference only. It is not medical advice and does not "
    "replace a clinician's judgement: do not start, stop or change a medicine because of it."
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(Schema, Generic[T]):
    items: list[T]
    total: int = Field(description="Number of matching records across all pages.")
    limit: int
    offset: int


class Citation(Schema):
    source: str = Field(description="Slug of the source (see /v1/sources).")
    section: str | None = Field(None, description="Where in the source.")


class ProblemDetail(BaseModel):
    """RFC 9457 problem details, the body of every error response."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    request_id: str | None = None
    errors: list[dict[str, Any]] | None = Field(None, description="Validation errors (422 only).")
    suggestions: list[str] | None = Field(
        None, description="Close names, for unknown drugs/effects."
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries declaring problem+json bodies (see app/openapi.py)."""
    return {status: {"model": ProblemDetail} for status in statuses}

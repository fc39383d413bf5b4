"""CDS Hooks 3.0 shapes, written from the specification's logical models (CDSHooksServices,
CDSHooksRequest, CDSHooksResponse; cds-hooks.hl7.org): PyPI has no maintained library.

Field names are the specification's (camelCase). Requests are read leniently where the
specification leaves room (unknown members and `extension` are accepted); responses are built
strictly: a card's summary is under 140 characters, its indicator one of three values.
"""

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SPEC_VERSION = "3.0.0"  # of CDS Hooks, advertised in discovery (`version`)
SUMMARY_LIMIT = 140  # characters: the specification's "<140-character summary"
MAX_PREFETCH_KEYS = 20

Indicator = Literal["info", "warning", "critical"]
Summary = Annotated[str, StringConstraints(min_length=1, max_length=SUMMARY_LIMIT - 1)]


class CdsModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Coding(CdsModel):
    """The specification's trimmed-down FHIR Coding."""

    code: str
    system: str
    display: str | None = None


class Source(CdsModel):
    label: str = Field(description="Who states what the card says.")
    url: str | None = Field(None, description="Where to learn more about that source.")
    topic: Coding | None = None


class Link(CdsModel):
    label: str
    url: str = Field(description="An absolute URL.")
    type: Literal["absolute", "smart"] = "absolute"


class Card(CdsModel):
    uuid: str = Field(description="Unique id of the card (sidefx keeps no feedback).")
    summary: Summary = Field(description="One sentence, under 140 characters.")
    detail: str | None = Field(None, description="GitHub Flavored Markdown.")
    indicator: Indicator
    source: Source
    links: list[Link] | None = None


class CdsResponse(CdsModel):
    cards: list[Card]
    extension: dict[str, Any] | None = Field(
        None,
        description="`org.sidefx.reason`: why there are no cards when the service could not "
        "assess anything (no prefetch and no FHIR data).",
    )


class CdsService(CdsModel):
    hook: str
    title: str
    description: str
    id: str
    prefetch: dict[str, str] | None = None
    usageRequirements: str | None = None
    version: str = SPEC_VERSION
    hookVersion: str = "1.0"


class Discovery(CdsModel):
    services: list[CdsService]


class FhirAuthorization(BaseModel):
    model_config = ConfigDict(extra="allow")

    access_token: str
    token_type: str
    expires_in: int
    scope: str
    subject: str


class CdsRequest(BaseModel):
    """A hook call. `context` and `prefetch` hold FHIR JSON (R4 or R5), read by
    app/services/cds_fhir.py; a prefetch key the client could not satisfy is null or an
    OperationOutcome."""

    model_config = ConfigDict(extra="allow")

    hook: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    hookInstance: UUID
    fhirServer: Annotated[str, StringConstraints(max_length=2000)] | None = None
    fhirAuthorization: FhirAuthorization | None = None
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = Field(None, max_length=MAX_PREFETCH_KEYS)
    extension: dict[str, Any] | None = None

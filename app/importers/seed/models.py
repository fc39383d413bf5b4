"""The shape of seed_data/*.yaml, validated before anything touches the database: the types
every file shares, sources.yaml, classes.yaml and drugs.yaml (effects.yaml and
drug_effects.yaml: effect_models.py).

Every statement carries its own `cite` list, written next to it: `source-slug#anchor`, where
the anchor is one the source lists in sources.yaml (a heading's slug, `p4` for paragraph 4 of
a document without headings, a section of the curators' notes). files.py checks each
citation against those lists.
"""

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.enums import AliasKind, DependenceRisk, LineOfTherapy, SourceKind, WarningKind

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Days = Annotated[float, Field(ge=0, le=3650)]
CiteRef = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*#[a-z0-9]+(?:-[a-z0-9]+)*$"),
]
Cites = Annotated[list[CiteRef], Field(min_length=1)]
Cui = Annotated[str, StringConstraints(pattern=r"^C\d{7}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(Strict):
    """A statement: what is said, and where (one or more anchors)."""

    cite: Cites


class CitedText(Cited):
    text: Text


class SeedHeading(Strict):
    """A heading with a short key of its own (a long title: `#title`)."""

    heading: Short
    key: Slug


class SeedAnchors(Strict):
    """A document's anchors: its headings (quoted exactly; the key is the heading's slug unless
    given), or, for a document without headings, its paragraphs by number with a few words of
    ours on each; a dataset's files or the curators' sections by key."""

    headings: list[Short | SeedHeading] = Field(default_factory=list)
    paragraphs: dict[int, Short] = Field(default_factory=dict)
    sections: dict[Slug, Short] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_kind(self) -> "SeedAnchors":
        if sum(map(bool, (self.headings, self.paragraphs, self.sections))) != 1:
            raise ValueError("list exactly one of headings, paragraphs or sections")
        return self


class SeedSource(Strict):
    slug: Slug
    title: Short
    kind: SourceKind
    publisher: Short | None = None
    url: Annotated[str, StringConstraints(max_length=500)] | None = None
    published_date: date | None = None
    licence: Short | None = None
    document: Short | None = None
    summary: Text | None = None
    anchors: SeedAnchors


class SeedAlias(Cited):
    name: Name
    kind: AliasKind


class SeedValue(Cited):
    value: Text


class SeedDependence(Cited):
    value: DependenceRisk
    note: Text | None = None


class SeedFormulations(Cited):
    value: list[Short] = Field(min_length=1)


class SeedIdentifiers(Cited):
    pubchem_cid: Annotated[int, Field(gt=0)] | None = None
    atc: Annotated[str, StringConstraints(pattern=r"^[A-Z]\d{2}[A-Z]{2}\d{2}$")] | None = None
    rxcui: Annotated[str, StringConstraints(pattern=r"^\d{1,10}$")] | None = None


class SeedAttributes(Strict):
    """A drug's attributes; one left out is one no source states (served as not stated)."""

    mechanism: SeedValue | None = None
    controlled_substance: SeedValue | None = None
    dependence_risk: SeedDependence | None = None
    sedation_potential: SeedValue | None = None
    common_use: SeedValue | None = None
    onset_of_action: SeedValue | None = None
    formulations: SeedFormulations | None = None
    description: SeedValue | None = None


class SeedMembership(Cited):
    drug_class: Slug = Field(alias="class")


class SeedUse(Cited):
    condition: Short
    line_of_therapy: LineOfTherapy = LineOfTherapy.unspecified
    note: Text | None = None


class SeedWarning(Cited):
    kind: WarningKind
    title: Short
    text: Text
    interacts_with: list[Annotated[str, StringConstraints(min_length=1, max_length=80)]] = Field(
        default_factory=list
    )

    @model_validator(mode="after")
    def _interactions_only(self) -> "SeedWarning":
        if self.interacts_with and self.kind is not WarningKind.interaction:
            raise ValueError("interacts_with belongs to interaction warnings only")
        return self


class SeedDrug(Strict):
    slug: Slug
    name: Name
    identifiers: SeedIdentifiers | None = None
    classes: list[SeedMembership] = Field(default_factory=list)
    attributes: SeedAttributes = Field(default_factory=SeedAttributes)
    aliases: list[SeedAlias] = Field(default_factory=list)
    uses: list[SeedUse] = Field(default_factory=list)
    warnings: list[SeedWarning] = Field(default_factory=list)


class SeedClass(Strict):
    slug: Slug
    name: Name
    description: Text | None = None
    aliases: list[SeedAlias] = Field(default_factory=list)


def cites_of(record: Any) -> list[tuple[str, list[str]]]:
    """(path, cites) for every statement in a parsed record, for the anchor check."""
    out: list[tuple[str, list[str]]] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, Cited):
            out.append((path, list(value.cite)))
        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name), f"{path}.{name}" if path else name)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")

    walk(record, "")
    return out

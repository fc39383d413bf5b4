"""The shape of seed_data/*.yaml, validated before anything touches the database.

Every statement carries its own `cite` list, written next to it: `source-slug#anchor`, where
the anchor is one the source lists in sources.yaml (a heading's slug, `p4` for paragraph 4 of
a document without headings, a section of the curators' notes). seed_files.py checks each
citation against those lists.
"""

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.enums import (
    AliasKind,
    BodySystem,
    Context,
    DependenceRisk,
    EffectKind,
    LineOfTherapy,
    MeddraLevel,
    OnsetAnchor,
    ProfileAspect,
    Severity,
    SourceKind,
    WarningKind,
)

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


class SeedCodes(Cited):
    """The MedDRA concept an effect is: a preferred term's code, or a lowest-level term's code
    (then `broader` names the preferred term it sits under)."""

    umls_cui: Cui
    meddra_term: Name
    level: MeddraLevel


class SeedBroader(Cited):
    """The effect this one is a narrower kind of (leg cramps sit under muscle spasms)."""

    effect: Slug


class SeedProfile(Strict):
    """What the sources say about a condition, aspect by aspect, one cited statement each."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    typical_duration: list[CitedText] = Field(default_factory=list)
    aftermath: list[CitedText] = Field(default_factory=list)
    prevalence: list[CitedText] = Field(default_factory=list)
    affected_sites: list[CitedText] = Field(default_factory=list)
    who_gets_it: list[CitedText] = Field(default_factory=list)
    triggers: list[CitedText] = Field(default_factory=list)
    contributing_factors: list[CitedText] = Field(default_factory=list)
    associated_conditions: list[CitedText] = Field(default_factory=list)
    diagnosis: list[CitedText] = Field(default_factory=list)
    management: list[CitedText] = Field(default_factory=list)
    prevention: list[CitedText] = Field(default_factory=list)
    when_to_seek_care: list[CitedText] = Field(default_factory=list)

    def facts(self) -> list[tuple[ProfileAspect, int, CitedText]]:
        return [
            (aspect, i, fact)
            for aspect in ProfileAspect
            for i, fact in enumerate(getattr(self, aspect.value))
        ]


class SeedEffect(Strict):
    slug: Slug
    name: Name
    body_system: BodySystem | None = None
    kind: EffectKind = EffectKind.symptom
    description: SeedValue | None = None
    codes: SeedCodes | None = None
    broader: SeedBroader | None = None
    aliases: list[SeedAlias] = Field(default_factory=list)
    condition: SeedProfile | None = None

    @model_validator(mode="after")
    def _broader_for_llt(self) -> "SeedEffect":
        if self.codes and self.codes.level is MeddraLevel.llt and self.broader is None:
            raise ValueError("a lowest-level term names the broader term it sits under")
        if self.codes and self.codes.level is MeddraLevel.pt and self.broader is not None:
            raise ValueError("a preferred term sits under no other effect")
        return self


class SeedIncidence(Cited):
    """A document's own words on how often; documents give no numbers, so no band either."""

    wording: Text


class SeedOnset(Cited):
    text: Text
    relative_to: OnsetAnchor | None = None
    min_days: Days | None = None
    max_days: Days | None = None
    peak_text: Text | None = None

    @model_validator(mode="after")
    def _range_ordered(self) -> "SeedOnset":
        low, high = self.min_days, self.max_days
        if low is not None and high is not None and low > high:
            raise ValueError("min_days is larger than max_days")
        if (self.min_days is not None or self.max_days is not None) and not self.relative_to:
            raise ValueError("a range in days needs relative_to (what it counts from)")
        return self


class SeedSeverity(Cited):
    value: Severity | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _something(self) -> "SeedSeverity":
        if self.value is None and self.note is None:
            raise ValueError("give a value, a note, or both")
        return self


class SeedSymptom(Cited):
    effect: Slug


class SeedDrugEffect(Strict):
    drug: Slug
    effect: Slug
    context: Context
    incidence: SeedIncidence | None = None
    onset: SeedOnset | None = None
    severity: SeedSeverity | None = None
    accompanying: list[SeedSymptom] = Field(default_factory=list)
    management: list[CitedText] = Field(default_factory=list)
    notes: list[CitedText] = Field(default_factory=list)

    @model_validator(mode="after")
    def _says_something(self) -> "SeedDrugEffect":
        if self.incidence is None and not self.notes:
            raise ValueError("a record needs an incidence wording or a note saying what is known")
        return self


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

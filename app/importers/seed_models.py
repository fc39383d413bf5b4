"""The shape of seed_data/*.yaml, validated before anything touches the database."""

from datetime import date
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.enums import (
    AliasKind,
    BodySystem,
    Context,
    DependenceRisk,
    EffectKind,
    IncidenceBand,
    LineOfTherapy,
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
Section = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Days = Annotated[float, Field(ge=0, le=3650)]
Fraction = Annotated[float, Field(ge=0, le=1)]

DRUG_FIELDS = {
    "drug_class", "mechanism", "controlled_substance", "dependence_risk", "sedation_potential",
    "common_use", "onset_of_action", "formulations", "description",
}  # fmt: skip
EFFECT_FIELDS = {"description"} | {a.value for a in ProfileAspect}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _null_list_is_empty(cls, value: object, info: ValidationInfo) -> object:
        # YAML authors write `formulations:` (null) for "none stated"; treat it as [].
        field = cls.model_fields.get(info.field_name or "")
        if value is None and field is not None and field.default_factory is list:
            return []
        return value


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


class SeedAlias(Strict):
    name: Name
    kind: AliasKind


class SeedCitation(Strict):
    source: Slug
    section: Section | None = None
    fields: list[str] = Field(min_length=1)


class SeedUse(Strict):
    condition: Short
    line_of_therapy: LineOfTherapy = LineOfTherapy.unspecified
    note: Text | None = None
    source: Slug
    section: Section | None = None


class SeedWarning(Strict):
    kind: WarningKind
    title: Short
    text: Text
    source: Slug
    section: Section | None = None


class SeedDrug(Strict):
    slug: Slug
    name: Name
    drug_class: Short | None = None
    mechanism: Text | None = None
    controlled_substance: Short | None = None
    dependence_risk: DependenceRisk = DependenceRisk.unknown
    dependence_note: Text | None = None
    sedation_potential: Short | None = None
    common_use: Text | None = None
    onset_of_action: Text | None = None
    formulations: list[Short] = Field(default_factory=list)
    description: Text | None = None
    pubchem_cid: Annotated[int, Field(gt=0)] | None = None
    atc_code: Annotated[str, StringConstraints(pattern=r"^[A-Z]\d{2}[A-Z]{2}\d{2}$")] | None = None
    rxcui: Annotated[str, StringConstraints(pattern=r"^\d{1,10}$")] | None = None
    aliases: list[SeedAlias] = Field(default_factory=list)
    citations: list[SeedCitation] = Field(default_factory=list)
    uses: list[SeedUse] = Field(default_factory=list)
    warnings: list[SeedWarning] = Field(default_factory=list)

    @model_validator(mode="after")
    def _citation_fields_exist(self) -> "SeedDrug":
        for c in self.citations:
            unknown = set(c.fields) - DRUG_FIELDS
            if unknown:
                raise ValueError(f"citations name unknown drug fields: {sorted(unknown)}")
        return self


class SeedProfile(Strict):
    typical_duration: Text | None = None
    aftermath: Text | None = None
    prevalence: Text | None = None
    affected_sites: list[Text] = Field(default_factory=list)
    who_gets_it: list[Text] = Field(default_factory=list)
    triggers: list[Text] = Field(default_factory=list)
    contributing_factors: list[Text] = Field(default_factory=list)
    associated_conditions: list[Text] = Field(default_factory=list)
    diagnosis: list[Text] = Field(default_factory=list)
    management: list[Text] = Field(default_factory=list)
    prevention: list[Text] = Field(default_factory=list)
    when_to_seek_care: list[Text] = Field(default_factory=list)

    def facts(self) -> list[tuple[ProfileAspect, int, str]]:
        out: list[tuple[ProfileAspect, int, str]] = []
        for aspect in ProfileAspect:
            value = getattr(self, aspect.value)
            items = value if isinstance(value, list) else ([value] if value else [])
            out.extend((aspect, i, text) for i, text in enumerate(items))
        return out


class SeedEffect(Strict):
    slug: Slug
    name: Name
    body_system: BodySystem | None = None
    kind: EffectKind = EffectKind.symptom
    description: Text | None = None
    umls_cui: Annotated[str, StringConstraints(pattern=r"^C\d{7}$")] | None = None
    meddra_term: Short | None = None
    aliases: list[SeedAlias] = Field(default_factory=list)
    related: list[Slug] = Field(default_factory=list)
    condition: SeedProfile | None = None
    citations: list[SeedCitation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _citation_fields_exist(self) -> "SeedEffect":
        for c in self.citations:
            unknown = set(c.fields) - EFFECT_FIELDS
            if unknown:
                raise ValueError(f"citations name unknown effect fields: {sorted(unknown)}")
        if self.condition and self.condition.facts():
            cited = {f for c in self.citations for f in c.fields}
            missing = {a.value for a, _, _ in self.condition.facts()} - cited
            if missing:
                raise ValueError(f"condition facts without a citation: {sorted(missing)}")
        return self


class SeedIncidence(Strict):
    band: IncidenceBand = IncidenceBand.unknown
    frequency: Fraction | None = None
    placebo_frequency: Fraction | None = None
    wording: Text | None = None


class SeedOnset(Strict):
    text: Text | None = None
    relative_to: OnsetAnchor | None = None
    min_days: Days | None = None
    max_days: Days | None = None
    peak_text: Text | None = None
    peak_min_days: Days | None = None
    peak_max_days: Days | None = None

    @model_validator(mode="after")
    def _ranges_ordered(self) -> "SeedOnset":
        for lo, hi in ((self.min_days, self.max_days), (self.peak_min_days, self.peak_max_days)):
            if lo is not None and hi is not None and lo > hi:
                raise ValueError("a minimum is larger than its maximum")
        return self


class SeedEvidence(Strict):
    source: Slug
    section: Section | None = None


class SeedDrugEffect(Strict):
    drug: Slug
    effect: Slug
    context: Context
    incidence: SeedIncidence = Field(default_factory=SeedIncidence)
    onset: SeedOnset | None = None
    severity: Severity | None = None
    severity_note: Text | None = None
    accompanying: list[Slug] = Field(default_factory=list)
    management: list[Text] = Field(default_factory=list)
    notes: Text | None = None
    evidence: list[SeedEvidence] = Field(min_length=1)

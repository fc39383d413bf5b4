from pydantic import Field

from app.enums import (
    BodySystem,
    Context,
    EffectKind,
    IncidenceBand,
    OnsetAnchor,
    ProfileAspect,
    Severity,
)
from app.schemas.common import Citation, Schema
from app.schemas.drug import AliasRead, DrugRef


class EffectSummary(Schema):
    slug: str
    name: str
    kind: EffectKind
    body_system: BodySystem | None


class Incidence(Schema):
    band: IncidenceBand = Field(description="CIOMS band; `unknown` when no number is stated.")
    frequency: float | None = Field(None, description="Fraction 0..1, when a number is known.")
    placebo_frequency: float | None = None
    wording: str | None = Field(None, description="How the source words it.")


class Onset(Schema):
    text: str | None
    relative_to: OnsetAnchor | None
    min_days: float | None
    max_days: float | None
    peak_text: str | None
    peak_min_days: float | None = Field(None, description="Days from onset to peak.")
    peak_max_days: float | None


class EvidenceRead(Citation):
    incidence_band: IncidenceBand | None = None
    frequency_text: str | None = None
    frequency_lower: float | None = None
    frequency_upper: float | None = None
    placebo: bool = False
    note: str | None = None


class DrugEffectSummary(Schema):
    """One row of a drug's effect list."""

    effect: EffectSummary
    context: Context
    incidence: Incidence
    onset: Onset | None
    severity: Severity | None
    sources: list[str]


class ContextRecord(Schema):
    """Everything known about a drug x effect in one context."""

    context: Context
    incidence: Incidence
    onset: Onset | None
    severity: Severity | None
    severity_note: str | None
    accompanying_symptoms: list[EffectSummary]
    management: list[str]
    notes: str | None
    evidence: list[EvidenceRead]


class DrugEffectDetail(Schema):
    drug: DrugRef
    effect: EffectSummary
    contexts: list[ContextRecord] = Field(description="One record per context, side by side.")


class ProfileFact(Citation):
    text: str


class ProfileSection(Schema):
    aspect: ProfileAspect
    facts: list[ProfileFact]


class EffectCodes(Schema):
    umls_cui: str | None
    meddra_term: str | None


class EffectDetail(EffectSummary):
    description: str | None
    codes: EffectCodes
    aliases: list[AliasRead]
    profile: list[ProfileSection] = Field(
        description="Duration, prevalence, triggers, care ... of conditions the sources describe."
    )
    related: list[EffectSummary]
    citations: list[Citation]
    drug_counts: dict[Context, int]


class EffectDrugRow(Schema):
    """One row of the reverse lookup: a drug that has this effect."""

    drug: DrugRef
    context: Context
    incidence: Incidence
    severity: Severity | None
    sources: list[str]

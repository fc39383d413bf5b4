"""The shape of seed_data/effects.yaml and drug_effects.yaml (the shared types: models.py)."""

from pydantic import ConfigDict, Field, model_validator

from app.enums import (
    BodySystem,
    Context,
    EffectKind,
    MeddraLevel,
    OnsetAnchor,
    ProfileAspect,
    Severity,
)
from app.importers.seed.models import (
    Cited,
    CitedText,
    Cui,
    Days,
    Name,
    SeedAlias,
    SeedValue,
    Slug,
    Strict,
    Text,
)


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

from datetime import date

from pydantic import Field

from app.enums import AliasKind, DependenceRisk, LineOfTherapy, WarningKind
from app.schemas.common import Citation, Schema


class AliasRead(Schema):
    name: str
    kind: AliasKind


class DrugRef(Schema):
    slug: str
    name: str


class DrugSummary(Schema):
    slug: str
    name: str
    drug_class: str | None
    dependence_risk: DependenceRisk
    brand_names: list[str] = Field(default_factory=list)


class DrugUseRead(Schema):
    condition: str
    line_of_therapy: LineOfTherapy
    note: str | None
    source: str
    section: str | None


class WarningRead(Schema):
    kind: WarningKind
    title: str
    text: str
    source: str
    section: str | None


class Dependence(Schema):
    risk: DependenceRisk
    note: str | None


class Identifiers(Schema):
    pubchem_cid: int | None
    atc_code: str | None
    rxcui: str | None


class AttributeCitation(Citation):
    attribute: str


class EffectCounts(Schema):
    side_effect: int = 0
    withdrawal: int = 0
    overdose: int = 0


class DrugDetail(Schema):
    slug: str
    name: str
    drug_class: str | None
    mechanism: str | None
    controlled_substance: str | None
    dependence: Dependence
    sedation_potential: str | None
    common_use: str | None
    onset_of_action: str | None
    formulations: list[str]
    description: str | None
    identifiers: Identifiers
    aliases: list[AliasRead]
    uses: list[DrugUseRead]
    warnings: list[WarningRead]
    effect_counts: EffectCounts
    citations: list[AttributeCitation]


class SourceSummary(Schema):
    slug: str
    title: str
    kind: str
    publisher: str | None
    url: str | None
    published_date: date | None
    licence: str | None

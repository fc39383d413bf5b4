from pydantic import Field

from app.enums import Context
from app.schemas.common import Citation, Schema
from app.schemas.drug import DrugRef
from app.schemas.effect import ContextRecord, EffectSummary, Incidence


class ComparedDrug(DrugRef):
    requested: str = Field(description="The name as asked for (brand, synonym or slug).")


class AttributeCell(Schema):
    drug: str
    value: str | None
    note: str | None = None
    sources: list[Citation]


class AttributeRow(Schema):
    attribute: str
    label: str
    cells: list[AttributeCell] = Field(description="One cell per drug, in the requested order.")


class MatrixRecord(Schema):
    context: Context
    incidence: Incidence
    sources: list[str]


class MatrixCell(Schema):
    drug: str
    records: list[MatrixRecord] = Field(description="Empty when the drug has no such record.")


class MatrixRow(Schema):
    effect: EffectSummary
    shared_by: int = Field(description="How many of the compared drugs have this effect.")
    cells: list[MatrixCell]


class EffectMatrix(Schema):
    items: list[MatrixRow]
    total: int
    limit: int
    offset: int


class EffectSet(Schema):
    count: int
    effects: list[str] = Field(description="Effect slugs, at most 100 (see count).")


class UniqueEffects(Schema):
    drug: str
    count: int
    effects: list[str] = Field(description="Effect slugs, at most 100 (see count).")


class ComparisonSummary(Schema):
    shared_by_all: EffectSet
    unique: list[UniqueEffects]


class ComparisonRead(Schema):
    drugs: list[ComparedDrug]
    attributes: list[AttributeRow]
    effects: EffectMatrix
    summary: ComparisonSummary


class ContextRow(Schema):
    """One effect of one drug, each context side by side (null where the drug has none)."""

    effect: EffectSummary
    side_effect: ContextRecord | None
    withdrawal: ContextRecord | None
    overdose: ContextRecord | None


class DrugContexts(Schema):
    drug: DrugRef
    items: list[ContextRow]
    total: int
    limit: int
    offset: int

from pydantic import Field

from app.schemas.common import Citation, DrugRef, EffectRef, Page, Schema
from app.schemas.record import DrugEffectRecord


class ComparedDrug(DrugRef):
    requested: str = Field(description="The name as asked for (brand, synonym or slug).")


class AttributeCell(Schema):
    drug: DrugRef = Field(description="The drug (column).")
    value: str | None = Field(description="The value; null when not stated.")
    note: str | None = Field(description="What the source adds (dependence risk).")
    stated: bool = Field(description="False when no source states it: not stated, not no.")
    cites: list[Citation] = Field(description="Where the value is stated.")


class AttributeRow(Schema):
    attribute: str = Field(description="Attribute key.")
    label: str = Field(description="Attribute label for display.")
    cells: list[AttributeCell] = Field(description="One cell per drug, in the requested order.")


class MatrixCell(Schema):
    drug: DrugRef = Field(description="The drug (column).")
    records: list[DrugEffectRecord] = Field(
        description="The drug's records of this effect, one per context; empty when no source "
        "links them (absence of a record is not evidence of safety)."
    )


class MatrixRow(Schema):
    effect: EffectRef = Field(description="The effect (row).")
    shared_by: int = Field(description="How many of the compared drugs have it.")
    cells: list[MatrixCell] = Field(description="One cell per drug, in the requested order.")


class EffectMatrix(Page[MatrixRow]):
    """The effect rows, a page at a time (`limit`, `offset`; `links` and the `Link` header
    name the next and previous pages)."""


class EffectSet(Schema):
    count: int = Field(description="How many effects (all of them are in `effects`).")
    effects: list[EffectRef] = Field(
        description="Every one of them, in the matrix's order (none left out)."
    )


class UniqueEffects(EffectSet):
    drug: DrugRef = Field(description="The drug.")


class ComparisonSummary(Schema):
    shared_by_all: EffectSet = Field(description="Effects every compared drug has.")
    unique: list[UniqueEffects] = Field(description="Per drug, effects only it has.")


class ComparisonRead(Schema):
    drugs: list[ComparedDrug] = Field(description="The compared drugs, in the requested order.")
    attributes: list[AttributeRow] = Field(description="Attribute rows (class, mechanism ...).")
    effects: EffectMatrix = Field(description="The effect matrix, paginated by rows.")
    summary: ComparisonSummary = Field(description="Shared and unique effects.")

"""Several drugs side by side: attribute rows and an effect matrix.

A fixed number of statements whatever the number of drugs or effects: SQL selects the columns,
Python pivots them.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import BodySystem, Context, WarningKind
from app.errors import InvalidParameter
from app.models import Drug, DrugCitation, DrugEffect, DrugWarning, Effect, Source
from app.schemas.common import Citation
from app.schemas.comparison import (
    AttributeCell,
    AttributeRow,
    ComparedDrug,
    ComparisonRead,
    ComparisonSummary,
    EffectMatrix,
    EffectSet,
    MatrixCell,
    MatrixRecord,
    MatrixRow,
    UniqueEffects,
)
from app.services.records import EFFECT_COLUMNS, effect_summary, evidence_sources, incidence
from app.services.resolve import MAX_NAME_LENGTH, Ref, resolve_drugs

MIN_DRUGS, MAX_DRUGS = 2, 10
SUMMARY_LIMIT = 100
ATTRIBUTES = {
    "drug_class": "Drug class",
    "mechanism": "Mechanism",
    "dependence_risk": "Dependence risk",
    "common_use": "Common use",
    "sedation_potential": "Sedation potential",
    "controlled_substance": "Controlled substance",
    "boxed_warning": "Boxed warning",
    "onset_of_action": "Onset of action",
}


def compare_drugs(
    session: Session,
    names: list[str],
    *,
    context: Context | None,
    body_system: BodySystem | None,
    shared_only: bool,
    limit: int,
    offset: int,
) -> ComparisonRead:
    check_drug_list(names)
    refs = resolve_drugs(session, names)
    duplicates = sorted({r.slug for r in refs if [x.slug for x in refs].count(r.slug) > 1})
    if duplicates:
        raise InvalidParameter(f"Each drug may appear once; repeated: {', '.join(duplicates)}.")
    presence = sorted(
        _presence(session, refs, context, body_system).values(),
        key=lambda e: (-len(e.drugs), -e.rank, -(e.frequency or 0), e.name),
    )
    ordered = [e for e in presence if not shared_only or len(e.drugs) >= 2]
    page = ordered[offset : offset + limit]
    return ComparisonRead(
        drugs=[
            ComparedDrug(slug=r.slug, name=r.name, requested=n)
            for r, n in zip(refs, names, strict=True)
        ],
        attributes=_attribute_rows(session, refs),
        effects=EffectMatrix(
            items=_matrix_rows(session, refs, page, context),
            total=len(ordered),
            limit=limit,
            offset=offset,
        ),
        summary=_summary(refs, presence),
    )


def parse_drug_list(raw: str) -> list[str]:
    names = [name.strip() for name in raw.split(",")]
    if any(not name or len(name) > MAX_NAME_LENGTH for name in names):
        raise InvalidParameter(
            f"Each drug name must be 1 to {MAX_NAME_LENGTH} characters, comma-separated."
        )
    return names


def check_drug_list(names: list[str]) -> None:
    if not MIN_DRUGS <= len(names) <= MAX_DRUGS:
        raise InvalidParameter(
            f"Compare takes {MIN_DRUGS} to {MAX_DRUGS} drugs, comma-separated; got {len(names)}."
        )


@dataclass
class _Presence:
    id: int
    slug: str
    name: str
    rank: int = 0
    frequency: float | None = None
    drugs: set[int] = field(default_factory=set)


def _presence(
    session: Session, refs: list[Ref], context: Context | None, body_system: BodySystem | None
) -> dict[int, _Presence]:
    """Which compared drug has which effect, with the highest incidence seen (one statement)."""
    stmt = (
        select(
            DrugEffect.effect_id,
            Effect.slug,
            Effect.name,
            DrugEffect.drug_id,
            func.max(DrugEffect.incidence_rank),
            func.max(DrugEffect.frequency),
        )
        .join(Effect, Effect.id == DrugEffect.effect_id)
        .where(DrugEffect.drug_id.in_([r.id for r in refs]))
        .group_by(DrugEffect.effect_id, Effect.slug, Effect.name, DrugEffect.drug_id)
    )
    if context:
        stmt = stmt.where(DrugEffect.context == context)
    if body_system:
        stmt = stmt.where(Effect.body_system == body_system)
    out: dict[int, _Presence] = {}
    for effect_id, slug, name, drug_id, rank, frequency in session.execute(stmt):
        p = out.setdefault(effect_id, _Presence(effect_id, slug, name))
        p.drugs.add(drug_id)
        p.rank = max(p.rank, rank or 0)
        p.frequency = max(p.frequency or 0, frequency or 0) or None
    return out


def _matrix_rows(
    session: Session, refs: list[Ref], page: list[_Presence], context: Context | None
) -> list[MatrixRow]:
    if not page:
        return []
    effect_ids = [p.id for p in page]
    stmt = (
        select(DrugEffect, *EFFECT_COLUMNS)
        .join(Effect, Effect.id == DrugEffect.effect_id)
        .where(DrugEffect.drug_id.in_([r.id for r in refs]), DrugEffect.effect_id.in_(effect_ids))
        .order_by(DrugEffect.context)
    )
    if context:
        stmt = stmt.where(DrugEffect.context == context)
    rows = session.execute(stmt).all()
    sources = evidence_sources(session, [r.DrugEffect.id for r in rows])
    cells: dict[tuple[int, int], list[MatrixRecord]] = defaultdict(list)
    summaries = {}
    for r in rows:
        de = r.DrugEffect
        summaries[de.effect_id] = effect_summary(r)
        cells[(de.effect_id, de.drug_id)].append(
            MatrixRecord(
                context=de.context, incidence=incidence(de), sources=sources.get(de.id, [])
            )
        )
    return [
        MatrixRow(
            effect=summaries[p.id],
            shared_by=len(p.drugs),
            cells=[
                MatrixCell(drug=ref.slug, records=cells.get((p.id, ref.id), [])) for ref in refs
            ],
        )
        for p in page
    ]


def _summary(refs: list[Ref], ordered: list[_Presence]) -> ComparisonSummary:
    everyone = {r.id for r in refs}
    shared = [p for p in ordered if p.drugs == everyone]
    unique = []
    for ref in refs:
        own = [p for p in ordered if p.drugs == {ref.id}]
        unique.append(
            UniqueEffects(
                drug=ref.slug,
                count=len(own),
                effects=[p.slug for p in own[:SUMMARY_LIMIT]],
            )
        )
    return ComparisonSummary(
        shared_by_all=EffectSet(
            count=len(shared), effects=[p.slug for p in shared[:SUMMARY_LIMIT]]
        ),
        unique=unique,
    )


def _attribute_rows(session: Session, refs: list[Ref]) -> list[AttributeRow]:
    ids = [r.id for r in refs]
    drugs = {d.id: d for d in session.scalars(select(Drug).where(Drug.id.in_(ids)))}
    cited = _citations(session, ids)
    boxed = _boxed_warnings(session, ids)
    rows = []
    for attribute, label in ATTRIBUTES.items():
        cells = []
        for ref in refs:
            if attribute == "boxed_warning":
                warnings = boxed.get(ref.id, [])
                value = " ".join(w for w, _ in warnings) or None
                sources = [c for _, c in warnings]
                cells.append(AttributeCell(drug=ref.slug, value=value, sources=sources))
                continue
            drug = drugs[ref.id]
            raw = getattr(drug, attribute)
            cells.append(
                AttributeCell(
                    drug=ref.slug,
                    value=None if raw is None else str(raw),
                    note=drug.dependence_note if attribute == "dependence_risk" else None,
                    sources=cited.get((ref.id, attribute), []),
                )
            )
        rows.append(AttributeRow(attribute=attribute, label=label, cells=cells))
    return rows


def _citations(session: Session, ids: list[int]) -> dict[tuple[int, str], list[Citation]]:
    cited: dict[tuple[int, str], list[Citation]] = defaultdict(list)
    for drug_id, attribute, slug, section in session.execute(
        select(DrugCitation.drug_id, DrugCitation.attribute, Source.slug, DrugCitation.section)
        .join(Source, Source.id == DrugCitation.source_id)
        .where(DrugCitation.drug_id.in_(ids))
        .order_by(DrugCitation.id)
    ):
        cited[(drug_id, attribute)].append(Citation(source=slug, section=section))
    return cited


def _boxed_warnings(session: Session, ids: list[int]) -> dict[int, list[tuple[str, Citation]]]:
    boxed: dict[int, list[tuple[str, Citation]]] = defaultdict(list)
    for drug_id, title, text, slug, section in session.execute(
        select(DrugWarning.drug_id, DrugWarning.title, DrugWarning.text, Source.slug)
        .add_columns(DrugWarning.section)
        .join(Source, Source.id == DrugWarning.source_id)
        .where(DrugWarning.drug_id.in_(ids), DrugWarning.kind == WarningKind.boxed_warning)
        .order_by(DrugWarning.id)
    ):
        boxed[drug_id].append((f"{title}: {text}", Citation(source=slug, section=section)))
    return boxed

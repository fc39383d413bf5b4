"""Remove drugs and effects that SIDER created once a newer release leaves them with no record.

Only candidates that held SIDER records before the re-import are considered, and only if they
carry nothing curated (no class, mechanism or description; effects: a UMLS CUI, no description)
and nothing at all refers to them any more.
"""

from typing import Any

from sqlalchemy import ColumnElement, delete, exists, select
from sqlalchemy.orm import Session

from app.models import (
    Alias,
    Drug,
    DrugCitation,
    DrugEffect,
    DrugEffectSymptom,
    DrugUse,
    DrugWarning,
    Effect,
    EffectCitation,
    EffectFact,
    EffectRelation,
)

DRUG_REFERENCES = (
    DrugEffect.drug_id,
    DrugUse.drug_id,
    DrugWarning.drug_id,
    DrugCitation.drug_id,
    Alias.drug_id,
)
EFFECT_REFERENCES = (
    DrugEffect.effect_id,
    DrugEffectSymptom.effect_id,
    EffectFact.effect_id,
    EffectCitation.effect_id,
    EffectRelation.effect_id,
    EffectRelation.related_id,
    Alias.effect_id,
)


def owned_drugs_and_effects(session: Session, source_id: int) -> tuple[set[int], set[int]]:
    """Drugs and effects that currently hold records of the source (before they are deleted)."""
    drugs: set[int] = set()
    for model in (DrugEffect, DrugUse, Alias):
        stmt = select(model.drug_id).where(model.source_id == source_id).distinct()
        found = session.scalars(stmt)
        drugs.update(d for d in found if d is not None)
    stmt = select(DrugEffect.effect_id).where(DrugEffect.source_id == source_id).distinct()
    return drugs, set(session.scalars(stmt))


def prune_orphans(session: Session, drug_ids: set[int], effect_ids: set[int]) -> None:
    options = {"synchronize_session": False}
    if drug_ids:
        session.execute(
            delete(Drug).where(
                Drug.id.in_(sorted(drug_ids)),
                Drug.pubchem_cid.isnot(None),
                Drug.drug_class.is_(None),
                Drug.mechanism.is_(None),
                Drug.description.is_(None),
                *_unreferenced(Drug.id, DRUG_REFERENCES),
            ),
            execution_options=options,
        )
    if effect_ids:
        session.execute(
            delete(Effect).where(
                Effect.id.in_(sorted(effect_ids)),
                Effect.umls_cui.isnot(None),
                Effect.description.is_(None),
                *_unreferenced(Effect.id, EFFECT_REFERENCES),
            ),
            execution_options=options,
        )


def _unreferenced(key: Any, references: tuple[Any, ...]) -> list[ColumnElement[bool]]:
    return [~exists().where(column == key) for column in references]

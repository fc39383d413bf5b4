"""Curated drug effects: upserted by (drug, effect, context); their cited parts and items
replaced. Part of `sidefx seed` (see load.py)."""

from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from app.enums import ItemKind
from app.importers.seed.citations import Anchors, add_cited, cite
from app.importers.seed.effect_models import SeedDrugEffect
from app.models import Citation, DrugEffect, DrugEffectItem, Evidence

CURATED_COLUMNS = (
    "incidence_wording",
    "onset_text",
    "onset_relative_to",
    "onset_min_days",
    "onset_max_days",
    "peak_text",
    "severity",
    "severity_note",
)


def load_drug_effects(
    session: Session,
    records: list[SeedDrugEffect],
    anchors: Anchors,
    drugs: dict[str, int],
    effects: dict[str, int],
) -> None:
    existing = {
        (d, e, c): i
        for i, d, e, c in session.execute(
            select(DrugEffect.id, DrugEffect.drug_id, DrugEffect.effect_id, DrugEffect.context)
        )
    }
    wanted = {(drugs[r.drug], effects[r.effect], r.context): r for r in records}
    _uncurate(session, [i for key, i in existing.items() if key not in wanted])
    for key, r in wanted.items():
        row = _row(r)
        if key in existing:
            record_id = existing[key]
            session.execute(update(DrugEffect).where(DrugEffect.id == record_id).values(**row))
        else:
            record = DrugEffect(drug_id=key[0], effect_id=key[1], context=key[2], **row)
            session.add(record)
            session.flush()
            record_id = record.id
        _replace_parts(session, record_id, r, anchors, effects)


def _row(r: SeedDrugEffect) -> dict[str, Any]:
    onset, severity = r.onset, r.severity
    return {
        "curated": True,
        "incidence_wording": r.incidence.wording if r.incidence else None,
        "onset_text": onset.text if onset else None,
        "onset_relative_to": onset.relative_to if onset else None,
        "onset_min_days": onset.min_days if onset else None,
        "onset_max_days": onset.max_days if onset else None,
        "peak_text": onset.peak_text if onset else None,
        "severity": severity.value if severity else None,
        "severity_note": severity.note if severity else None,
    }


def _replace_parts(
    session: Session, record_id: int, r: SeedDrugEffect, anchors: Anchors, effects: dict[str, int]
) -> None:
    session.execute(delete(Citation).where(Citation.drug_effect_id == record_id))
    session.execute(delete(DrugEffectItem).where(DrugEffectItem.drug_effect_id == record_id))
    parts = [("incidence", r.incidence), ("onset", r.onset), ("severity", r.severity)]
    cite(session, anchors, parts, drug_effect_id=record_id)
    items: list[tuple[ItemKind, int, Any]] = [
        *((ItemKind.accompanying, i, s) for i, s in enumerate(r.accompanying)),
        *((ItemKind.management, i, s) for i, s in enumerate(r.management)),
        *((ItemKind.note, i, s) for i, s in enumerate(r.notes)),
    ]
    for kind, position, statement in items:
        is_symptom = kind is ItemKind.accompanying
        item = DrugEffectItem(
            drug_effect_id=record_id,
            kind=kind,
            position=position,
            text=None if is_symptom else statement.text,
            effect_id=effects[statement.effect] if is_symptom else None,
        )
        add_cited(session, anchors, item, statement, "drug_effect_item_id")


def _uncurate(session: Session, ids: list[int]) -> None:
    """Records the seed no longer states: their curated parts go; a record no import backs
    goes with them."""
    if not ids:
        return
    curated = select(DrugEffect.id).where(DrugEffect.id.in_(ids), DrugEffect.curated)
    stale = list(session.scalars(curated))
    if not stale:
        return
    session.execute(delete(DrugEffectItem).where(DrugEffectItem.drug_effect_id.in_(stale)))
    session.execute(delete(Citation).where(Citation.drug_effect_id.in_(stale)))
    imported = exists().where(Evidence.drug_effect_id == DrugEffect.id)
    session.execute(
        delete(DrugEffect).where(DrugEffect.id.in_(stale), ~imported),
        execution_options={"synchronize_session": False},
    )
    blank = dict.fromkeys(CURATED_COLUMNS) | {"curated": False}
    session.execute(update(DrugEffect).where(DrugEffect.id.in_(stale)).values(**blank))

"""Curated drug effects: upserted by (drug, effect, context), with their symptoms, management
steps and evidence replaced. Part of `sidefx seed` (see seed.py)."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.enums import INCIDENCE_RANK
from app.importers.seed_models import SeedDrugEffect
from app.models import DrugEffect, DrugEffectSymptom, Evidence, ManagementStep


@dataclass(frozen=True)
class SeedIds:
    sources: dict[str, int]
    effects: dict[str, int]
    drugs: dict[str, int]


def _keyed_ids(session: Session, ids: SeedIds) -> dict[tuple[int, int, Any], int]:
    """(drug, effect, context) -> id of every drug effect of the seeded drugs."""
    rows = session.execute(
        select(DrugEffect.id, DrugEffect.drug_id, DrugEffect.effect_id, DrugEffect.context).where(
            DrugEffect.drug_id.in_(ids.drugs.values())
        )
    ).all()
    return {(d, e, c): i for i, d, e, c in rows}


def load_drug_effects(session: Session, records: list[SeedDrugEffect], ids: SeedIds) -> None:
    curated = list(ids.sources.values())
    existing = _keyed_ids(session, ids)
    wanted = {(ids.drugs[r.drug], ids.effects[r.effect], r.context): r for r in records}
    stale = [
        i for key, i in existing.items() if key not in wanted
    ]  # curated records no longer in the file (imported ones are filtered below)
    if stale:
        session.execute(
            delete(DrugEffect).where(DrugEffect.id.in_(stale), DrugEffect.source_id.in_(curated))
        )
    rows = [_drug_effect_row(key, r, ids) for key, r in wanted.items()]
    updates = [
        {"id": existing[k], **row} for k, row in zip(wanted, rows, strict=True) if k in existing
    ]
    if updates:
        session.execute(update(DrugEffect), updates)
    insert_rows(
        session, DrugEffect, [row for k, row in zip(wanted, rows, strict=True) if k not in existing]
    )
    id_of = _keyed_ids(session, ids)  # again: the inserts above have new ids
    de_ids = [id_of[k] for k in wanted]
    session.execute(delete(DrugEffectSymptom).where(DrugEffectSymptom.drug_effect_id.in_(de_ids)))
    session.execute(delete(ManagementStep).where(ManagementStep.drug_effect_id.in_(de_ids)))
    session.execute(
        delete(Evidence).where(Evidence.drug_effect_id.in_(de_ids), Evidence.source_id.in_(curated))
    )
    symptoms, steps, evidence = [], [], []
    for key, r in wanted.items():
        de_id = id_of[key]
        symptoms += [
            {"drug_effect_id": de_id, "effect_id": ids.effects[s], "position": p}
            for p, s in enumerate(dict.fromkeys(r.accompanying))
        ]
        steps += [
            {"drug_effect_id": de_id, "position": p, "text": t} for p, t in enumerate(r.management)
        ]
        evidence += [
            {
                "drug_effect_id": de_id,
                "source_id": ids.sources[e.source],
                "section": e.section,
                "incidence_band": r.incidence.band,
                "placebo": False,
            }
            for e in r.evidence
        ]
    insert_rows(session, DrugEffectSymptom, symptoms)
    insert_rows(session, ManagementStep, steps)
    insert_rows(session, Evidence, evidence)


def _drug_effect_row(key: tuple[int, int, Any], r: SeedDrugEffect, ids: SeedIds) -> dict[str, Any]:
    onset = r.onset.model_dump() if r.onset else {}
    return {
        "drug_id": key[0],
        "effect_id": key[1],
        "context": r.context,
        "source_id": ids.sources[r.evidence[0].source],
        "incidence_band": r.incidence.band,
        "incidence_rank": INCIDENCE_RANK[r.incidence.band],
        "frequency": r.incidence.frequency,
        "placebo_frequency": r.incidence.placebo_frequency,
        "incidence_wording": r.incidence.wording,
        **{f"onset_{k}": onset.get(k) for k in ("text", "relative_to", "min_days", "max_days")},
        **{k: onset.get(k) for k in ("peak_text", "peak_min_days", "peak_max_days")},
        "severity": r.severity,
        "severity_note": r.severity_note,
        "notes": r.notes,
    }


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model), rows)

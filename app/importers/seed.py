"""`sidefx seed`: upsert the curated records by slug, in one transaction.

Rows that belong to the curated sources are replaced; rows of other sources (SIDER imports) on
the same drugs and effects are left alone. An unchanged seed (same checksum) is a no-op.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from app.enums import INCIDENCE_RANK
from app.importers.seed_files import SeedData
from app.importers.seed_models import SeedDrugEffect
from app.models import (
    Alias,
    DataRelease,
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
    Evidence,
    ManagementStep,
    Source,
)
from app.text import name_key

logger = logging.getLogger(__name__)

DRUG_CHILDREN = {"aliases", "citations", "uses", "warnings"}
EFFECT_CHILDREN = {"aliases", "related", "condition", "citations"}


@dataclass(frozen=True)
class SeedReport:
    changed: bool
    sources: int
    drugs: int
    effects: int
    drug_effects: int


def load_seed(session: Session, seed: SeedData, *, force: bool = False) -> SeedReport:
    """Write the seed inside the caller's transaction (the caller commits once)."""
    counts = (len(seed.sources), len(seed.drugs), len(seed.effects), len(seed.drug_effects))
    release = session.get(DataRelease, "seed")
    if release is not None and release.checksum == seed.checksum and not force:
        return SeedReport(False, *counts)
    source_ids = _upsert(session, Source, [s.model_dump() for s in seed.sources])
    effect_ids = _upsert(
        session, Effect, [e.model_dump(exclude=EFFECT_CHILDREN) for e in seed.effects]
    )
    drug_ids = _upsert(session, Drug, [d.model_dump(exclude=DRUG_CHILDREN) for d in seed.drugs])
    ids = _Ids(source_ids, effect_ids, drug_ids)
    _replace_aliases(session, seed, ids)
    _replace_drug_children(session, seed, ids)
    _replace_effect_children(session, seed, ids)
    _load_drug_effects(session, seed.drug_effects, ids)
    now = datetime.now(UTC)
    if release is None:
        session.add(DataRelease(name="seed", checksum=seed.checksum, loaded_at=now))
    else:
        release.checksum, release.loaded_at = seed.checksum, now
    session.flush()
    logger.info("seed loaded: %d drugs, %d effects, %d drug effects", *counts[1:])
    return SeedReport(True, *counts)


@dataclass(frozen=True)
class _Ids:
    sources: dict[str, int]
    effects: dict[str, int]
    drugs: dict[str, int]


def _upsert(session: Session, model: Any, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert or update by slug; returns slug -> id for every row."""
    existing: dict[str, int] = dict(session.execute(select(model.slug, model.id)).all())
    updates = [{"id": existing[r["slug"]], **r} for r in rows if r["slug"] in existing]
    inserts = [r for r in rows if r["slug"] not in existing]
    if updates:
        session.execute(update(model), updates)
    if inserts:
        session.execute(insert(model), inserts)
    slugs = [r["slug"] for r in rows]
    return dict(session.execute(select(model.slug, model.id).where(model.slug.in_(slugs))).all())


def _replace_aliases(session: Session, seed: SeedData, ids: _Ids) -> None:
    session.execute(
        delete(Alias).where(
            Alias.source_id.is_(None),
            or_(Alias.drug_id.in_(ids.drugs.values()), Alias.effect_id.in_(ids.effects.values())),
        )
    )
    rows = [
        {"name": a.name, "key": name_key(a.name), "kind": a.kind, "drug_id": ids.drugs[d.slug]}
        for d in seed.drugs
        for a in d.aliases
    ] + [
        {"name": a.name, "key": name_key(a.name), "kind": a.kind, "effect_id": ids.effects[e.slug]}
        for e in seed.effects
        for a in e.aliases
    ]
    # An imported alias with the same key would break the unique index: curated wins.
    keys = {r["key"] for r in rows}
    session.execute(delete(Alias).where(Alias.source_id.isnot(None), Alias.key.in_(keys)))
    _insert(session, Alias, rows)


def _replace_drug_children(session: Session, seed: SeedData, ids: _Ids) -> None:
    curated = list(ids.sources.values())
    drug_ids = list(ids.drugs.values())
    for model in (DrugCitation, DrugUse, DrugWarning):
        session.execute(
            delete(model).where(model.drug_id.in_(drug_ids), model.source_id.in_(curated))
        )
    citations, uses, warnings = [], [], []
    for d in seed.drugs:
        drug_id = ids.drugs[d.slug]
        citations += [
            {
                "drug_id": drug_id,
                "attribute": f,
                "source_id": ids.sources[c.source],
                "section": c.section,
            }
            for c in d.citations
            for f in c.fields
        ]
        uses += [
            {
                "drug_id": drug_id,
                "source_id": ids.sources[u.source],
                **u.model_dump(exclude={"source"}),
            }
            for u in d.uses
        ]
        warnings += [
            {
                "drug_id": drug_id,
                "source_id": ids.sources[w.source],
                **w.model_dump(exclude={"source"}),
            }
            for w in d.warnings
        ]
    _insert(session, DrugCitation, citations)
    _insert(session, DrugUse, uses)
    _insert(session, DrugWarning, warnings)


def _replace_effect_children(session: Session, seed: SeedData, ids: _Ids) -> None:
    curated = list(ids.sources.values())
    effect_ids = list(ids.effects.values())
    for model in (EffectFact, EffectCitation):
        session.execute(
            delete(model).where(model.effect_id.in_(effect_ids), model.source_id.in_(curated))
        )
    session.execute(delete(EffectRelation).where(EffectRelation.effect_id.in_(effect_ids)))
    facts, citations, relations = [], [], []
    for e in seed.effects:
        effect_id = ids.effects[e.slug]
        by_field = {f: c for c in reversed(e.citations) for f in c.fields}  # first citation wins
        citations += [
            {
                "effect_id": effect_id,
                "attribute": f,
                "source_id": ids.sources[c.source],
                "section": c.section,
            }
            for c in e.citations
            for f in c.fields
        ]
        relations += [
            {"effect_id": effect_id, "related_id": ids.effects[r]} for r in set(e.related)
        ]
        for aspect, position, text in e.condition.facts() if e.condition else []:
            cite = by_field[aspect.value]
            facts.append(
                {
                    "effect_id": effect_id,
                    "aspect": aspect,
                    "position": position,
                    "text": text,
                    "source_id": ids.sources[cite.source],
                    "section": cite.section,
                }
            )
    _insert(session, EffectFact, facts)
    _insert(session, EffectCitation, citations)
    _insert(session, EffectRelation, relations)


def _load_drug_effects(session: Session, records: list[SeedDrugEffect], ids: _Ids) -> None:
    curated = list(ids.sources.values())
    existing = {
        (d, e, c): i
        for i, d, e, c in session.execute(
            select(DrugEffect.id, DrugEffect.drug_id, DrugEffect.effect_id, DrugEffect.context)
            .where(DrugEffect.drug_id.in_(ids.drugs.values()))
        ).all()
    }  # fmt: skip
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
    _insert(
        session, DrugEffect, [row for k, row in zip(wanted, rows, strict=True) if k not in existing]
    )
    id_of = {
        (d, e, c): i
        for i, d, e, c in session.execute(
            select(DrugEffect.id, DrugEffect.drug_id, DrugEffect.effect_id, DrugEffect.context)
            .where(DrugEffect.drug_id.in_(ids.drugs.values()))
        ).all()
    }  # fmt: skip
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
    _insert(session, DrugEffectSymptom, symptoms)
    _insert(session, ManagementStep, steps)
    _insert(session, Evidence, evidence)


def _drug_effect_row(key: tuple[int, int, Any], r: SeedDrugEffect, ids: _Ids) -> dict[str, Any]:
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


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model), rows)

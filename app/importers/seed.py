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

from app.importers.list_order import (
    first_pages_current,
    refresh_drug_effect_lists,
    store_first_pages,
)
from app.importers.seed_drug_effects import SeedIds, insert_rows, load_drug_effects
from app.importers.seed_files import SeedData
from app.models import (
    Alias,
    DataRelease,
    Drug,
    DrugCitation,
    DrugUse,
    DrugWarning,
    Effect,
    EffectCitation,
    EffectFact,
    EffectRelation,
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
        if not first_pages_current(session):  # written by older code, or a new migration
            store_first_pages(session)
        return SeedReport(False, *counts)
    source_ids = _upsert(session, Source, [s.model_dump() for s in seed.sources])
    effect_ids = _upsert(
        session, Effect, [e.model_dump(exclude=EFFECT_CHILDREN) for e in seed.effects]
    )
    drug_ids = _upsert(session, Drug, [d.model_dump(exclude=DRUG_CHILDREN) for d in seed.drugs])
    ids = SeedIds(source_ids, effect_ids, drug_ids)
    _replace_aliases(session, seed, ids)
    _replace_drug_children(session, seed, ids)
    _replace_effect_children(session, seed, ids)
    load_drug_effects(session, seed.drug_effects, ids)
    refresh_drug_effect_lists(session)
    now = datetime.now(UTC)
    if release is None:
        session.add(DataRelease(name="seed", checksum=seed.checksum, loaded_at=now))
    else:
        release.checksum, release.loaded_at = seed.checksum, now
    session.flush()
    logger.info("seed loaded: %d drugs, %d effects, %d drug effects", *counts[1:])
    return SeedReport(True, *counts)


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


def _replace_aliases(session: Session, seed: SeedData, ids: SeedIds) -> None:
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
    insert_rows(session, Alias, rows)


def _replace_drug_children(session: Session, seed: SeedData, ids: SeedIds) -> None:
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
    insert_rows(session, DrugCitation, citations)
    insert_rows(session, DrugUse, uses)
    insert_rows(session, DrugWarning, warnings)


def _replace_effect_children(session: Session, seed: SeedData, ids: SeedIds) -> None:
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
    insert_rows(session, EffectFact, facts)
    insert_rows(session, EffectCitation, citations)
    insert_rows(session, EffectRelation, relations)

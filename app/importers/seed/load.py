"""`sidefx seed`: write the curated records, in the caller's transaction (effects.py, drugs.py,
drug_effects.py write each file's records; this module the sources, classes and aliases).

Sources, anchors, classes, effects and drugs are upserted by slug (ids stay stable, so imported
records stay attached); everything the seed states (aliases, uses, warnings, facts, record
parts, their citations) is replaced. Rows imported from other sources are left alone. A drug or
effect an import created first is adopted when the seed names the same code (PubChem CID, UMLS
CUI). Same files and loader as last time (same checksum): nothing happens unless forced.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session

from app.enums import Release
from app.importers.recompute import recompute
from app.importers.seed.citations import Anchors, add_cited
from app.importers.seed.drug_effects import load_drug_effects
from app.importers.seed.drugs import write_drugs
from app.importers.seed.effects import write_effects
from app.importers.seed.files import SeedData, anchors_of
from app.importers.seed.upsert import upsert
from app.models import (
    Alias,
    Citation,
    DataRelease,
    Drug,
    DrugClass,
    DrugEffect,
    Effect,
    Evidence,
    Source,
    SourceAnchor,
)
from app.name_keys import name_key
from app.readmodel import is_current

logger = logging.getLogger(__name__)
RELEASE = Release.seed


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
    release = session.get(DataRelease, RELEASE.value)
    unchanged = release is not None and release.checksum == seed.checksum
    if unchanged and not force and is_current(session):
        return SeedReport(False, *counts)
    anchors = _write_sources(session, seed)
    # Documents have no rows of their own values; rows under a curated source are the record-
    # level citations of the old schema (before 5b7e2f1c9a40), replaced by citations now.
    curated = select(Source.id).where(Source.slug.in_([s.slug for s in seed.sources]))
    session.execute(delete(Evidence).where(Evidence.source_id.in_(curated)))
    # The seed's citations of drug and effect attributes (the other statements are rows, and
    # their citations go with them when they are replaced).
    session.execute(
        delete(Citation).where(
            Citation.anchor_id.in_(list(anchors.values())),
            or_(Citation.drug_id.isnot(None), Citation.effect_id.isnot(None)),
        )
    )
    classes = upsert(session, DrugClass, [_class_row(c) for c in seed.classes])
    effects = write_effects(session, seed, anchors)
    drugs = write_drugs(session, seed, anchors, classes)
    _write_aliases(session, seed, anchors, drugs, effects, classes)
    load_drug_effects(session, seed.drug_effects, anchors, drugs, effects)
    _retire(session, Drug, set(drugs.values()))
    _retire(session, Effect, set(effects.values()))
    recompute(session)
    now = datetime.now(UTC)
    if release is None:
        session.add(DataRelease(name=RELEASE.value, checksum=seed.checksum, loaded_at=now))
    else:
        release.checksum, release.loaded_at = seed.checksum, now
    session.flush()
    logger.info("seed loaded: %d drugs, %d effects, %d drug effects", *counts[1:])
    return SeedReport(True, *counts)


def _write_sources(session: Session, seed: SeedData) -> Anchors:
    rows = [s.model_dump(exclude={"anchors"}) for s in seed.sources]
    source_ids = upsert(session, Source, rows)
    anchors: Anchors = {}
    for source in seed.sources:
        sid = source_ids[source.slug]
        existing = dict(
            session.execute(
                select(SourceAnchor.key, SourceAnchor.id).where(SourceAnchor.source_id == sid)
            ).all()
        )
        listed = anchors_of(source)
        keys = {a.key for a in listed}
        stale = [i for k, i in existing.items() if k not in keys]
        if stale:  # their citations go with them (the seed rewrites its own below)
            session.execute(delete(SourceAnchor).where(SourceAnchor.id.in_(stale)))
        for position, a in enumerate(listed):
            row = {"kind": a.kind, "label": a.label, "position": position}
            if a.key in existing:
                session.execute(
                    update(SourceAnchor).where(SourceAnchor.id == existing[a.key]).values(**row)
                )
            else:
                session.add(SourceAnchor(source_id=sid, key=a.key, **row))
        session.flush()
        for key, anchor_id in session.execute(
            select(SourceAnchor.key, SourceAnchor.id).where(SourceAnchor.source_id == sid)
        ):
            anchors[f"{source.slug}#{key}"] = anchor_id
    return anchors


def _class_row(c: Any) -> dict[str, Any]:
    return {"slug": c.slug, "name": c.name, "key": name_key(c.name), "description": c.description}


def _write_aliases(
    session: Session,
    seed: SeedData,
    anchors: Anchors,
    drugs: dict[str, int],
    effects: dict[str, int],
    classes: dict[str, int],
) -> None:
    session.execute(delete(Alias).where(Alias.release == RELEASE))
    owners = [
        *(({"drug_id": drugs[d.slug]}, d.aliases) for d in seed.drugs),
        *(({"effect_id": effects[e.slug]}, e.aliases) for e in seed.effects),
        *(({"class_id": classes[c.slug]}, c.aliases) for c in seed.classes),
    ]
    keys = {name_key(a.name) for _, aliases in owners for a in aliases}
    # An imported alias with the same key would break the unique indexes: curated wins.
    session.execute(delete(Alias).where(Alias.release != RELEASE, Alias.key.in_(keys)))
    for target, aliases in owners:
        for a in aliases:
            alias = Alias(name=a.name, key=name_key(a.name), kind=a.kind, release=RELEASE, **target)
            add_cited(session, anchors, alias, a, "alias_id")


def _retire(session: Session, model: type[Drug] | type[Effect], kept: set[int]) -> None:
    """Curated drugs or effects the seed no longer lists: deleted when nothing else refers to
    them, otherwise handed to the import that still has records on them (curated text gone)."""
    stale = set(session.scalars(select(model.id).where(model.release == RELEASE))) - kept
    if not stale:
        return
    column = DrugEffect.drug_id if model is Drug else DrugEffect.effect_id
    imported = exists().where(column == model.id, Evidence.drug_effect_id == DrugEffect.id)
    session.execute(
        delete(model).where(model.id.in_(sorted(stale)), ~imported),
        execution_options={"synchronize_session": False},
    )
    blank = {"description": None, "release": Release.sider}
    session.execute(update(model).where(model.id.in_(sorted(stale))).values(**blank))

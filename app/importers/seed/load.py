"""`sidefx seed`: write the curated records, in the caller's transaction.

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
from app.importers import derived, derived_records
from app.importers.seed.citations import Anchors, cite
from app.importers.seed.drug_effects import load_drug_effects
from app.importers.seed.files import SeedData, anchors_of
from app.importers.seed.models import Cited, SeedDrug, SeedEffect
from app.models import (
    Alias,
    Citation,
    DataRelease,
    Drug,
    DrugClass,
    DrugClassMember,
    DrugEffect,
    DrugUse,
    DrugWarning,
    Effect,
    EffectFact,
    Evidence,
    Source,
    SourceAnchor,
)
from app.models.drug import TEXT_ATTRIBUTES
from app.text import ingredient_key, name_key

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
    if unchanged and not force and derived_records.is_current(session):
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
    classes = _upsert(session, DrugClass, [_class_row(c) for c in seed.classes])
    effects = _write_effects(session, seed, anchors)
    drugs = _write_drugs(session, seed, anchors, classes)
    _write_aliases(session, seed, anchors, drugs, effects, classes)
    load_drug_effects(session, seed.drug_effects, anchors, drugs, effects)
    _retire(session, Drug, set(drugs.values()))
    _retire(session, Effect, set(effects.values()))
    derived.refresh(session)
    now = datetime.now(UTC)
    if release is None:
        session.add(DataRelease(name=RELEASE.value, checksum=seed.checksum, loaded_at=now))
    else:
        release.checksum, release.loaded_at = seed.checksum, now
    session.flush()
    logger.info("seed loaded: %d drugs, %d effects, %d drug effects", *counts[1:])
    return SeedReport(True, *counts)


def _upsert(session: Session, model: Any, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert or update by slug; returns slug -> id for every row."""
    existing: dict[str, int] = dict(session.execute(select(model.slug, model.id)).all())
    updates = [{"id": existing[r["slug"]], **r} for r in rows if r["slug"] in existing]
    inserts = [model(**r) for r in rows if r["slug"] not in existing]
    if updates:
        session.execute(update(model), updates)
    session.add_all(inserts)
    session.flush()
    slugs = [r["slug"] for r in rows]
    return dict(session.execute(select(model.slug, model.id).where(model.slug.in_(slugs))).all())


def _write_sources(session: Session, seed: SeedData) -> Anchors:
    rows = [s.model_dump(exclude={"anchors"}) for s in seed.sources]
    source_ids = _upsert(session, Source, rows)
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


def _adopt(session: Session, model: Any, code_column: Any, by_code: dict[Any, str]) -> None:
    """An imported record with the code a curated one states becomes that record (slug)."""
    if not by_code:
        return
    for row_id, code, slug in session.execute(
        select(model.id, code_column, model.slug).where(code_column.in_(list(by_code)))
    ):
        wanted = by_code[code]
        taken = session.scalar(select(model.id).where(model.slug == wanted))
        if slug != wanted and taken is None:
            session.execute(update(model).where(model.id == row_id).values(slug=wanted))


def _write_effects(session: Session, seed: SeedData, anchors: Anchors) -> dict[str, int]:
    codes = {e.codes.umls_cui: e.slug for e in seed.effects if e.codes}
    _adopt(session, Effect, Effect.umls_cui, codes)
    ids = _upsert(session, Effect, [_effect_row(e) for e in seed.effects])
    session.execute(delete(EffectFact).where(EffectFact.effect_id.in_(ids.values())))
    for e in seed.effects:
        effect_id = ids[e.slug]
        broader = ids[e.broader.effect] if e.broader else None
        session.execute(update(Effect).where(Effect.id == effect_id).values(broader_id=broader))
        cite(
            session,
            anchors,
            [("description", e.description), ("codes", e.codes), ("broader", e.broader)],
            effect_id=effect_id,
        )
        for aspect, position, fact in e.condition.facts() if e.condition else []:
            row = EffectFact(effect_id=effect_id, aspect=aspect, position=position, text=fact.text)
            session.add(row)
            session.flush()
            cite(session, anchors, [(None, fact)], effect_fact_id=row.id)
    return ids


def _effect_row(e: SeedEffect) -> dict[str, Any]:
    codes = e.codes
    return {
        "slug": e.slug,
        "name": e.name,
        "key": name_key(e.name),
        "kind": e.kind,
        "body_system": e.body_system,
        "description": e.description.value if e.description else None,
        "umls_cui": codes.umls_cui if codes else None,
        "meddra_term": codes.meddra_term if codes else None,
        "meddra_key": name_key(codes.meddra_term) if codes else None,
        "meddra_level": codes.level if codes else None,
        "release": RELEASE,
    }


def _write_drugs(
    session: Session, seed: SeedData, anchors: Anchors, classes: dict[str, int]
) -> dict[str, int]:
    cids = {d.identifiers.pubchem_cid: d.slug for d in seed.drugs if d.identifiers}
    _adopt(session, Drug, Drug.pubchem_cid, {k: v for k, v in cids.items() if k})
    ids = _upsert(session, Drug, [_drug_row(d) for d in seed.drugs])
    drug_ids = list(ids.values())
    for model in (DrugUse, DrugWarning):
        session.execute(delete(model).where(model.drug_id.in_(drug_ids), model.release == RELEASE))
    session.execute(delete(DrugClassMember).where(DrugClassMember.drug_id.in_(drug_ids)))
    for d in seed.drugs:
        drug_id = ids[d.slug]
        a = d.attributes
        parts: list[tuple[str | None, Cited | None]] = [("identifiers", d.identifiers)]
        parts += [(name, getattr(a, name)) for name in (*TEXT_ATTRIBUTES, "formulations")]
        parts.append(("dependence_risk", a.dependence_risk))
        cite(session, anchors, parts, drug_id=drug_id)
        for position, m in enumerate(d.classes):
            member = DrugClassMember(
                drug_id=drug_id, class_id=classes[m.drug_class], position=position
            )
            session.add(member)
            session.flush()
            cite(session, anchors, [(None, m)], class_member_id=member.id)
        for position, u in enumerate(d.uses):
            use = DrugUse(
                drug_id=drug_id,
                condition=u.condition,
                line_of_therapy=u.line_of_therapy,
                note=u.note,
                position=position,
                release=RELEASE,
            )
            session.add(use)
            session.flush()
            cite(session, anchors, [(None, u)], drug_use_id=use.id)
        for position, w in enumerate(d.warnings):
            warning = DrugWarning(
                drug_id=drug_id,
                kind=w.kind,
                title=w.title,
                text=w.text,
                interacts_with=w.interacts_with or None,
                position=position,
                release=RELEASE,
            )
            session.add(warning)
            session.flush()
            cite(session, anchors, [(None, w)], drug_warning_id=warning.id)
    return ids


def _drug_row(d: SeedDrug) -> dict[str, Any]:
    a, ids = d.attributes, d.identifiers
    row: dict[str, Any] = {
        "slug": d.slug,
        "name": d.name,
        "key": name_key(d.name),
        "ingredient_key": ingredient_key(d.name),
        "release": RELEASE,
        "pubchem_cid": ids.pubchem_cid if ids else None,
        "atc_code": ids.atc if ids else None,
        "rxcui": ids.rxcui if ids else None,
        "dependence_risk": a.dependence_risk.value if a.dependence_risk else None,
        "dependence_note": a.dependence_risk.note if a.dependence_risk else None,
        "formulations": a.formulations.value if a.formulations else None,
    }
    for name in TEXT_ATTRIBUTES:
        value = getattr(a, name)
        row[name] = value.value if value else None
    return row


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
            session.add(alias)
            session.flush()
            cite(session, anchors, [(None, a)], alias_id=alias.id)


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

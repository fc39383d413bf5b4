"""Meet SIDER compounds and MedDRA terms with the drugs and effects already in the database.

A compound matches a drug with its PubChem CID, else a drug without a CID whose name (or slug)
has the same name key. A term matches an effect with its UMLS CUI, else an effect without a CUI
whose name, slug or alias has the same name key (curated effects carry no codes; SIDER never
writes to them). Anything unmatched is created, with a slug that is unique and deterministic.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.enums import DependenceRisk, EffectKind
from app.importers.sider_mapping import DrugNames
from app.models import Alias, Drug, Effect
from app.text import name_key, slugify

SLUG_ROOM = 72  # leaves room for a "-NN" suffix within the 80-character slug


@dataclass(frozen=True)
class Matches:
    ids: dict[Any, int]  # PubChem CID or UMLS CUI -> drug or effect id
    existing: int  # how many matched records already in the database
    created: int


def match_drugs(session: Session, names: dict[int, DrugNames], cids: Iterable[int]) -> Matches:
    rows = session.execute(select(Drug.id, Drug.slug, Drug.name, Drug.pubchem_cid)).all()
    by_cid: dict[int, int] = {}
    by_name: dict[str, int] = {}
    for row in sorted(rows):
        if row.pubchem_cid is not None:
            by_cid.setdefault(row.pubchem_cid, row.id)
        else:
            for key in (name_key(row.name), name_key(row.slug.replace("-", " "))):
                by_name.setdefault(key, row.id)
    slugs = {row.slug for row in rows}
    ids: dict[Any, int] = {}
    new: dict[int, dict[str, Any]] = {}
    for cid in sorted(set(cids)):
        name = names[cid].name[:200]
        found = by_cid.get(cid) or by_name.get(name_key(name))
        if found is not None:
            ids[cid] = found
            continue
        new[cid] = {
            "slug": unique_slug(name, slugs, fallback=f"cid-{cid}"),
            "name": name,
            "pubchem_cid": cid,
            "formulations": [],
            "dependence_risk": DependenceRisk.unknown,
        }
    ids |= _insert_returning_ids(session, Drug, new)
    return Matches(ids=ids, existing=len(set(ids.values())) - len(new), created=len(new))


def match_effects(session: Session, terms: dict[str, str]) -> Matches:
    rows = session.execute(select(Effect.id, Effect.slug, Effect.name, Effect.umls_cui)).all()
    uncoded = {row.id for row in rows if row.umls_cui is None}
    aliases = session.execute(
        select(Alias.key, Alias.effect_id).where(Alias.effect_id.in_(uncoded))
    ).all()
    by_cui = {row.umls_cui: row.id for row in rows if row.umls_cui is not None}
    by_name: dict[str, int] = {}
    for row in sorted(r for r in rows if r.id in uncoded):
        for key in (name_key(row.name), name_key(row.slug.replace("-", " "))):
            by_name.setdefault(key, row.id)
    for key, effect_id in sorted(aliases):
        if effect_id is not None:
            by_name.setdefault(key, effect_id)
    slugs = {row.slug for row in rows}
    ids: dict[Any, int] = {}
    new: dict[str, dict[str, Any]] = {}
    for cui in sorted(terms):
        name = terms[cui][:200]
        found = by_cui.get(cui) or by_name.get(name_key(name))
        if found is not None:
            ids[cui] = found
            continue
        new[cui] = {
            "slug": unique_slug(name, slugs, fallback=cui.lower()),
            "name": name,
            "kind": EffectKind.symptom,
            "body_system": None,
            "umls_cui": cui,
            "meddra_term": name,
        }
    ids |= _insert_returning_ids(session, Effect, new)
    return Matches(ids=ids, existing=len(set(ids.values())) - len(new), created=len(new))


def unique_slug(name: str, taken: set[str], *, fallback: str) -> str:
    """slugify(name), or NAME-2, NAME-3 ... when taken; records the result in TAKEN."""
    base = slugify(name)[:SLUG_ROOM].strip("-") or fallback
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _insert_returning_ids(
    session: Session, model: type[Drug] | type[Effect], rows: dict[Any, dict[str, Any]]
) -> dict[Any, int]:
    """Insert ROWS (keyed by CID or CUI); return key -> new id, looked up by the unique slug."""
    if not rows:
        return {}
    session.execute(insert(model), list(rows.values()))
    by_slug = dict(session.execute(select(model.slug, model.id)).all())
    return {key: by_slug[row["slug"]] for key, row in rows.items()}

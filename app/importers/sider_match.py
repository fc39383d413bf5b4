"""Meet SIDER compounds and MedDRA terms with the drugs and effects already in the database.

Identity by code. A compound matches the drug with its PubChem CID, else a drug without a CID
whose name key is the compound's name. A term (a preferred term's UMLS CUI) matches only the
effect with that CUI: names and aliases never join two concepts, so SIDER's Nervousness and
Anxiety stay two effects, and a curated effect meets SIDER only through the code it records.
Anything unmatched is created, with a slug that is unique and deterministic.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.enums import EffectKind, MeddraLevel, Release
from app.importers.sider_mapping import DrugNames
from app.models import Drug, Effect
from app.text import ingredient_key, name_key, slugify

SLUG_ROOM = 72  # leaves room for a "-NN" suffix within the 80-character slug


@dataclass(frozen=True)
class Matches:
    ids: dict[Any, int]  # PubChem CID or UMLS CUI -> drug or effect id
    existing: int  # how many matched records already in the database
    created: int


def match_drugs(session: Session, names: dict[int, DrugNames], cids: Iterable[int]) -> Matches:
    rows = session.execute(select(Drug.id, Drug.slug, Drug.key, Drug.pubchem_cid)).all()
    by_cid = {row.pubchem_cid: row.id for row in rows if row.pubchem_cid is not None}
    by_name: dict[str, int] = {}
    for row in sorted(rows):
        if row.pubchem_cid is None:
            by_name.setdefault(row.key, row.id)
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
            "key": name_key(name),
            "ingredient_key": ingredient_key(name),
            "pubchem_cid": cid,
            "release": Release.sider,
        }
    ids |= _insert_returning_ids(session, Drug, new)
    return Matches(ids=ids, existing=len(set(ids.values())) - len(new), created=len(new))


def match_effects(session: Session, terms: dict[str, str]) -> Matches:
    rows = session.execute(select(Effect.id, Effect.slug, Effect.umls_cui)).all()
    by_cui = {row.umls_cui: row.id for row in rows if row.umls_cui is not None}
    slugs = {row.slug for row in rows}
    ids: dict[Any, int] = {}
    new: dict[str, dict[str, Any]] = {}
    for cui in sorted(terms):
        if cui in by_cui:
            ids[cui] = by_cui[cui]
            continue
        name = terms[cui][:200]
        new[cui] = {
            "slug": unique_slug(name, slugs, fallback=cui.lower()),
            "name": name,
            "key": name_key(name),
            "kind": EffectKind.symptom,
            "umls_cui": cui,
            "meddra_term": name,
            "meddra_key": name_key(name),
            "meddra_level": MeddraLevel.pt,
            "release": Release.sider,
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

"""Meet SIDER compounds and MedDRA terms with the drugs and effects already in the database.

Identity by code, and one drug per active ingredient. SIDER has a compound per salt or form
of an ingredient (amlodipine and amlodipine besylate, venlafaxine and its hydrochloride), each
with labels of its own; as separate drugs they answered differently by name (Norvasc showed
oedema, amlodipine hid it). So the compounds of one ingredient (same name once salt and hydrate
words are dropped: app.name_keys.ingredient_key) are one drug, with every compound's rows as its
evidence: the compound named as the bare ingredient leads, else the lowest CID. The group's
drug is the existing one that its first compound in that order matches: by PubChem CID, else
a drug without a CID whose name key is the compound's name.
A term (a preferred term's UMLS CUI) matches only the effect with that CUI: names and aliases
never join two concepts, so SIDER's Nervousness and Anxiety stay two effects, and a curated
effect meets SIDER only through the code it records.
Anything unmatched is created, with a slug that is unique and deterministic.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.enums import EffectKind, MeddraLevel, Release
from app.importers.sider.mapping import DrugNames
from app.models import Drug, Effect
from app.name_keys import ingredient_key, name_key, slugify

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
    members: dict[int, list[int]] = {}
    for group in ingredient_groups(names, cids):
        lead = group[0]
        found = next(
            (
                found
                for cid in group
                if (found := by_cid.get(cid) or by_name.get(name_key(names[cid].name[:200])))
                is not None
            ),
            None,
        )
        if found is not None:
            ids |= dict.fromkeys(group, found)
            continue
        name = names[lead].name[:200]
        new[lead] = {
            "slug": unique_slug(name, slugs, fallback=f"cid-{lead}"),
            "name": name,
            "key": name_key(name),
            "ingredient_key": ingredient_key(name),
            "pubchem_cid": lead,
            "release": Release.sider,
        }
        members[lead] = group
    for lead, drug_id in _insert_returning_ids(session, Drug, new).items():
        ids |= dict.fromkeys(members[lead], drug_id)
    return Matches(ids=ids, existing=len(set(ids.values())) - len(new), created=len(new))


def ingredient_groups(names: dict[int, DrugNames], cids: Iterable[int]) -> list[list[int]]:
    """The compounds of each ingredient, the leading one first (module docstring)."""
    groups: dict[str, list[int]] = {}
    for cid in sorted(set(cids)):
        groups.setdefault(ingredient_key(names[cid].name[:200]), []).append(cid)
    return [
        sorted(group, key=lambda cid: (name_key(names[cid].name[:200]) != ingredient, cid))
        for ingredient, group in sorted(groups.items())
    ]


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

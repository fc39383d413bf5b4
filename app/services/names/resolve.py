"""Resolving names in paths, compare lists and symptom checks (the rule is app.name_keys.name_key).

A name is a slug, a name, an alias (brand, synonym), the MedDRA term of an effect, or a drug's
active ingredient (`venlafaxine` finds venlafaxine hydrochloride). It resolves by SQL in the
request's own snapshot, never fuzzily: a clinical tool gets the record it asked for, or a 404
with close names as suggestions. The first kind of match wins (slug, name, alias or term,
ingredient); a name two records share at that level is a 404 listing them, except that an
ingredient name shared by several salts resolves to the one with the most records (the others
are listed in its `same_ingredient`).
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.models import Alias, Drug, DrugEffect, Effect
from app.name_keys import ingredient_key, name_key
from app.problems.exceptions import AppError, NameIndexBuilding, UnknownDrug, UnknownEffect
from app.services.names.index_cache import name_index

SUGGESTIONS = 5
INGREDIENT = 3  # the match level of an ingredient name


@dataclass(frozen=True, slots=True)
class Ref:
    id: int
    slug: str
    name: str


def resolve_drug(session: Session, name: str) -> Ref:
    return resolve_drugs(session, [name])[0]


def resolve_effect(session: Session, name: str) -> Ref:
    return resolve_effects(session, [name])[0]


def resolve_drugs(session: Session, names: list[str]) -> list[Ref]:
    """Several names in one statement; unknown names raise one 404 naming each of them."""
    by_slug = _by_slug(session, Drug, names)
    if by_slug is not None:
        return by_slug
    keys = {name_key(n) for n in names} | {ingredient_key(n) for n in names}
    slugs = {k.replace(" ", "-") for k in keys}
    records = func.count(DrugEffect.id)
    columns = (Drug.id, Drug.slug, Drug.name)
    found = _lookup(
        session,
        select(*columns, Drug.slug.label("k"), *_level(0)).where(Drug.slug.in_(slugs)),
        select(*columns, Drug.key, *_level(1)).where(Drug.key.in_(keys)),
        select(*columns, Alias.key, *_level(2))
        .join(Alias, Alias.drug_id == Drug.id)
        .where(Alias.key.in_(keys)),
        select(*columns, Drug.ingredient_key, *_level(INGREDIENT, records))
        .outerjoin(DrugEffect, DrugEffect.drug_id == Drug.id)
        .where(Drug.ingredient_key.in_(keys))
        .group_by(*columns, Drug.ingredient_key),
    )
    return _pick(session, names, found, "drug", UnknownDrug, salts=True)


def resolve_effects(session: Session, names: list[str]) -> list[Ref]:
    by_slug = _by_slug(session, Effect, names)
    if by_slug is not None:
        return by_slug
    keys = {name_key(n) for n in names}
    slugs = {k.replace(" ", "-") for k in keys}
    columns = (Effect.id, Effect.slug, Effect.name)
    found = _lookup(
        session,
        select(*columns, Effect.slug.label("k"), *_level(0)).where(Effect.slug.in_(slugs)),
        select(*columns, Effect.key, *_level(1)).where(Effect.key.in_(keys)),
        select(*columns, Alias.key, *_level(2))
        .join(Alias, Alias.effect_id == Effect.id)
        .where(Alias.key.in_(keys)),
        select(*columns, Effect.meddra_key, *_level(2)).where(Effect.meddra_key.in_(keys)),
    )
    return _pick(session, names, found, "effect", UnknownEffect)


def _slug_lookup(model: type[Drug] | type[Effect]) -> Select[Any]:
    table: Any = model.__table__
    return select(table.c.id, table.c.slug, table.c.name).where(
        table.c.slug.in_(bindparam("slugs", expanding=True))
    )


# Built once: building and keying it per request was a third of a slug lookup (in-process).
_BY_SLUG = {Drug: _slug_lookup(Drug), Effect: _slug_lookup(Effect)}


def _by_slug(
    session: Session, model: type[Drug] | type[Effect], names: list[str]
) -> list[Ref] | None:
    """When every name is a slug (what responses carry, so what clients send most), one indexed
    lookup; a slug is the first kind of match, so the answer is the one the full rule gives."""
    slugs = [name_key(n).replace(" ", "-") for n in names]
    rows = session.connection().execute(_BY_SLUG[model], {"slugs": sorted(set(slugs))})
    found = {slug: Ref(id_, slug, name) for id_, slug, name in rows}
    if all(s in found for s in slugs):
        return [found[s] for s in slugs]
    return None


def _level(level: int, weight: ColumnElement[Any] | None = None) -> tuple[Any, Any]:
    return literal(level).label("level"), (weight if weight is not None else literal(0)).label(
        "weight"
    )


def _lookup(session: Session, *queries: Any) -> dict[str, list[tuple[int, int, Ref]]]:
    """key -> [(level, weight, ref)] for every record a key names."""
    rows = session.execute(union_all(*queries))
    out: dict[str, list[tuple[int, int, Ref]]] = defaultdict(list)
    for id_, slug, name, key, level, weight in rows:
        out[key.replace("-", " ")].append((level, weight, Ref(id_, slug, name)))
    return out


def _pick(
    session: Session,
    names: list[str],
    found: dict[str, list[tuple[int, int, Ref]]],
    what: str,
    error: type[AppError],
    *,
    salts: bool = False,
) -> list[Ref]:
    refs, unknown = [], []
    for name in names:
        # A salt's name finds its ingredient ("warfarin sodium" -> warfarin) when the salt
        # itself is not a name of its own (for drugs; effects have no salts).
        matches = found.get(name_key(name)) or (
            found.get(ingredient_key(name), []) if salts else []
        )
        if not matches:
            unknown.append(name)
            continue
        best = min(level for level, _, _ in matches)
        top = {ref.id: (weight, ref) for level, weight, ref in matches if level == best}
        if len(top) > 1 and best != INGREDIENT:
            slugs = sorted(ref.slug for _, ref in top.values())
            raise error(
                f"'{_clip(name)}' names several {what}s: {', '.join(slugs)}. Use a slug.",
                suggestions=slugs,
            )
        refs.append(max(top.values(), key=lambda t: (t[0], -len(t[1].name), t[1].slug))[1])
    if unknown:
        suggestions = [s for n in unknown for s in suggest(session, n, what)]
        listed = ", ".join(f"'{_clip(n)}'" for n in unknown)
        hint = f" Did you mean: {', '.join(dict.fromkeys(suggestions))}?" if suggestions else ""
        raise error(
            f"No {what} named {listed}.{hint}", suggestions=list(dict.fromkeys(suggestions))
        )
    return refs


def how_named(
    asked: str, name: str, alias: Any | None, meddra_key: str | None
) -> dict[str, str | None]:
    """Which of the effect's names the asked words are: its name or slug, its MedDRA term, or
    an alias of a kind and source (a label's lower-level term from SIDER, a lay synonym
    from HPO, a curated synonym): so an answer can say "found as". NAME: the effect's name;
    ALIAS: its alias whose key is the asked words' (kind, release), if any; MEDDRA_KEY: the
    key of its MedDRA term (symptom_reads.symptom_row reads them in one statement)."""
    key = name_key(asked)
    if alias is not None:
        return {"word": asked, "kind": str(alias[0]), "source": str(alias[1])}
    if meddra_key == key and name_key(name) != key:
        return {"word": asked, "kind": "meddra_term", "source": None}
    return {"word": asked, "kind": "name", "source": None}


def suggest(session: Session, name: str, what: str) -> list[str]:
    """Close slugs for a name that matched nothing (only on the 404 path); none while the
    name index is being rebuilt (the 404 itself does not wait for it)."""
    try:
        index = name_index(session)
    except NameIndexBuilding:
        return []
    return [m.entry.slug for m in index.search(name[:100], type=what, limit=SUGGESTIONS)]


def _clip(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[:length] + "…"

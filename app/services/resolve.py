"""Exact name resolution for path parameters: slug, name or alias, any letter case.

Never fuzzy: a clinical tool must get the drug it asked for or a 404 with suggestions.
"""

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.errors import InvalidParameter, NotFound
from app.models import Alias, Drug, Effect
from app.text import name_key, slugify

MAX_NAME_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Ref:
    id: int
    slug: str
    name: str


def resolve_drug(session: Session, name: str) -> Ref:
    return _resolve(session, name, Drug, Alias.drug_id, "drug")


def resolve_effect(session: Session, name: str) -> Ref:
    return _resolve(session, name, Effect, Alias.effect_id, "effect")


def resolve_drugs(session: Session, names: list[str]) -> list[Ref]:
    return [resolve_drug(session, n) for n in names]


def _resolve(
    session: Session,
    name: str,
    model: type[Drug] | type[Effect],
    alias_fk: InstrumentedAttribute[int | None],
    what: str,
) -> Ref:
    key = name_key(name)
    if not key or len(key) > MAX_NAME_LENGTH:
        raise InvalidParameter(f"A {what} name must be 1 to {MAX_NAME_LENGTH} characters.")
    by_slug = select(model.id).where(model.slug == slugify(key))
    by_alias = select(alias_fk).where(Alias.key == key, alias_fk.isnot(None))
    ids = union_all(by_slug, by_alias).subquery()
    rows = session.execute(
        select(model.id, model.slug, model.name).where(model.id.in_(select(ids.c[0]))).limit(5)
    ).all()
    if len(rows) == 1:
        return Ref(*rows[0])
    if rows:
        slugs = sorted(r.slug for r in rows)
        raise NotFound(
            f"'{_clip(name)}' names several {what}s: {', '.join(slugs)}. Use a slug.",
            suggestions=slugs,
        )
    suggestions = suggest(session, key, model, alias_fk)
    hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
    raise NotFound(f"No {what} named '{_clip(name)}'.{hint}", suggestions=suggestions)


def suggest(
    session: Session,
    key: str,
    model: type[Drug] | type[Effect],
    alias_fk: InstrumentedAttribute[int | None],
    limit: int = 5,
) -> list[str]:
    """Close slugs for a name that matched nothing (only on the 404 path)."""
    names = session.execute(
        union_all(
            select(model.slug.label("slug"), model.name.label("name")),
            select(model.slug, Alias.name).join(Alias, alias_fk == model.id),
        )
    ).all()
    choices = {i: name_key(n) for i, (_, n) in enumerate(names)}
    matches = process.extract(key, choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=75)
    out: list[str] = []
    for _, _, index in matches:
        slug = names[index][0]
        if slug not in out:
            out.append(slug)
    return out[:limit]


def _clip(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[:length] + "…"

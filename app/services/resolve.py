"""Exact name resolution for path parameters: slug, name or alias, any letter case.

Never fuzzy: a clinical tool must get the drug it asked for, or a 404 with suggestions.
A slug match wins over an alias; an alias naming several records is a 404 listing them.
"""

from dataclasses import dataclass

from sqlalchemy import select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.errors import NotFound
from app.models import Alias, Drug, Effect
from app.services.search import name_index
from app.text import name_key, slugify

MAX_NAME_LENGTH = 200
Model = type[Drug] | type[Effect]


@dataclass(frozen=True, slots=True)
class Ref:
    id: int
    slug: str
    name: str


def resolve_drug(session: Session, name: str) -> Ref:
    return resolve_drugs(session, [name])[0]


def resolve_effect(session: Session, name: str) -> Ref:
    return _resolve(session, [name], Effect, Alias.effect_id, "effect")[0]


def resolve_drugs(session: Session, names: list[str]) -> list[Ref]:
    """Resolve several names in one statement (a comparison must not query per drug)."""
    return _resolve(session, names, Drug, Alias.drug_id, "drug")


def _resolve(
    session: Session,
    names: list[str],
    model: Model,
    alias_fk: InstrumentedAttribute[int | None],
    what: str,
) -> list[Ref]:
    keys = [name_key(n)[:MAX_NAME_LENGTH] for n in names]  # routes cap lengths already
    by_slug = select(model.id.label("id"), model.slug.label("key")).where(
        model.slug.in_({slugify(k) for k in keys})
    )
    by_alias = select(alias_fk, Alias.key).where(Alias.key.in_(set(keys)), alias_fk.isnot(None))
    matched = union_all(by_slug, by_alias).subquery()
    rows = session.execute(
        select(matched.c.key, model.id, model.slug, model.name).join(
            model, model.id == matched.c.id
        )
    ).all()
    found: dict[str, dict[int, Ref]] = {}
    for key, id_, slug, display in rows:
        found.setdefault(key, {})[id_] = Ref(id_, slug, display)
    refs = []
    for name, key in zip(names, keys, strict=True):
        candidates = found.get(slugify(key)) or found.get(key) or {}
        if len(candidates) == 1:
            refs.append(next(iter(candidates.values())))
            continue
        if candidates:
            slugs = sorted(r.slug for r in candidates.values())
            raise NotFound(
                f"'{_clip(name)}' names several {what}s: {', '.join(slugs)}. Use a slug.",
                suggestions=slugs,
            )
        suggestions = suggest(session, key, what) if key else []
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        raise NotFound(f"No {what} named '{_clip(name)}'.{hint}", suggestions=suggestions)
    return refs


def suggest(session: Session, key: str, what: str, limit: int = 5) -> list[str]:
    """Close slugs for a name that matched nothing (only on the 404 path)."""
    return [m.entry.slug for m in name_index(session).search(key, type=what, limit=limit)]


def _clip(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[:length] + "…"

"""Exact name resolution for path parameters: slug, name or alias, any letter case.

Never fuzzy: a clinical tool must get the drug it asked for, or a 404 with suggestions.
A slug match wins over an alias; an alias naming several records is a 404 listing them.
"""

from sqlalchemy.orm import Session

from app.errors import NotFound
from app.services.catalog import Ref, catalog
from app.text import name_key, slugify

MAX_NAME_LENGTH = 200
__all__ = ["Ref", "resolve_drug", "resolve_drugs", "resolve_effect", "suggest"]


def resolve_drug(session: Session, name: str) -> Ref:
    return resolve_drugs(session, [name])[0]


def resolve_effect(session: Session, name: str) -> Ref:
    return _resolve(session, [name], "effect")[0]


def resolve_drugs(session: Session, names: list[str]) -> list[Ref]:
    """Resolve several names in one statement (a comparison must not query per drug)."""
    return _resolve(session, names, "drug")


def _resolve(session: Session, names: list[str], what: str) -> list[Ref]:
    cat = catalog(session)
    by_slug, by_key = (
        (cat.drug_slugs, cat.drugs) if what == "drug" else (cat.effect_slugs, cat.effects)
    )
    refs = []
    for name in names:
        key = name_key(name)[:MAX_NAME_LENGTH]  # routes cap lengths already
        exact = by_slug.get(slugify(key))
        if exact is not None:
            refs.append(exact)
            continue
        candidates = by_key.get(key, {})
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
    return [m.entry.slug for m in catalog(session).index.search(key, type=what, limit=limit)]


def _clip(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[:length] + "…"

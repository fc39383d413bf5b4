"""Drug classes: the vocabulary `drug_class=` matches (slug, name or alias, any case)."""

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import Alias, DrugClass, DrugClassMember
from app.name_keys import name_key
from app.problems.exceptions import InvalidParameter
from app.services.names.resolve import Ref


def resolve_class(session: Session, name: str) -> Ref:
    key = name_key(name)
    aliases = select(Alias.class_id).where(Alias.key == key, Alias.class_id.isnot(None))
    row = session.execute(
        select(DrugClass.id, DrugClass.slug, DrugClass.name).where(
            or_(
                DrugClass.slug == key.replace(" ", "-"),
                DrugClass.key == key,
                DrugClass.id.in_(aliases),
            )
        )
    ).first()
    if row is None:
        known = ", ".join(session.scalars(select(DrugClass.slug).order_by(DrugClass.slug)))
        raise InvalidParameter(
            f"query.drug_class: no drug class named '{name[:80]}'; classes: {known} (see "
            "/v1/vocabularies).",
            loc=["query", "drug_class"],
        )
    return Ref(*row)


def list_classes(session: Session) -> list[dict[str, object]]:
    """Every class with its aliases and how many drugs it has (for /v1/vocabularies)."""
    classes = session.execute(
        select(DrugClass.id, DrugClass.slug, DrugClass.name, DrugClass.description).order_by(
            DrugClass.slug
        )
    ).all()
    aliases: dict[int, list[str]] = {}
    for class_id, alias in session.execute(
        select(Alias.class_id, Alias.name).where(Alias.class_id.isnot(None)).order_by(Alias.name)
    ):
        if class_id is not None:
            aliases.setdefault(class_id, []).append(alias)
    members: dict[int, int] = {}
    for class_id in session.scalars(select(DrugClassMember.class_id)):
        members[class_id] = members.get(class_id, 0) + 1
    return [
        {
            "value": c.slug,
            "label": c.name,
            "definition": c.description,
            "aliases": aliases.get(c.id, []),
            "drugs": members.get(c.id, 0),
        }
        for c in classes
    ]

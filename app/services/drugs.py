"""Drug list and drug detail."""

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AliasKind
from app.models import Alias, Drug, DrugClass, DrugClassMember, DrugEffect, DrugUse, DrugWarning
from app.models.drug import TEXT_ATTRIBUTES
from app.schemas.common import ClassRef, Page
from app.schemas.drug import DrugDetail, DrugSummary
from app.services.citations import cited, cites_of, get
from app.services.classes import resolve_class
from app.services.effects import effect_counts
from app.services.names import resolve_drug
from app.services.pages import page_of
from app.services.text_filter import listed_ids

ATTRIBUTES = (*TEXT_ATTRIBUTES, "dependence_risk", "formulations")


def list_drugs(
    session: Session, *, q: str | None, drug_class: str | None, limit: int, offset: int
) -> Page[DrugSummary]:
    stmt = listed_ids(Drug, Alias.drug_id, q)
    if drug_class:
        class_id = resolve_class(session, drug_class).id
        members = select(DrugClassMember.drug_id).where(DrugClassMember.class_id == class_id)
        stmt = stmt.where(Drug.id.in_(members))
    ordered = stmt.order_by(Drug.name, Drug.id)

    def build(ids: list[int]) -> list[DrugSummary]:
        rows = {
            r.id: r
            for r in session.execute(select(Drug.id, Drug.slug, Drug.name).where(Drug.id.in_(ids)))
        }
        classes = class_memberships(session, ids)
        brands = _brand_names(session, ids)
        return [
            DrugSummary(
                slug=rows[i].slug,
                name=rows[i].name,
                classes=[c for c, _ in classes.get(i, [])],
                brand_names=brands.get(i, []),
            )
            for i in ids
        ]

    return page_of(session, stmt, ordered, limit, offset, build)


def get_drug_detail(session: Session, name: str) -> DrugDetail:
    ref = resolve_drug(session, name)
    drug = session.get_one(Drug, ref.id)
    cites = cites_of(session, "drug_id", [ref.id])
    aliases = session.execute(
        select(Alias.id, Alias.name, Alias.kind)
        .where(Alias.drug_id == ref.id)
        .order_by(Alias.kind, Alias.name)
    ).all()
    uses = session.scalars(
        select(DrugUse).where(DrugUse.drug_id == ref.id).order_by(DrugUse.release, DrugUse.position)
    ).all()
    warnings = session.scalars(
        select(DrugWarning).where(DrugWarning.drug_id == ref.id).order_by(DrugWarning.position)
    ).all()
    alias_cites = cites_of(session, "alias_id", [a.id for a in aliases])
    use_cites = cites_of(session, "drug_use_id", [u.id for u in uses])
    warning_cites = cites_of(session, "drug_warning_id", [w.id for w in warnings])
    classes = class_memberships(session, [ref.id]).get(ref.id, [])
    member_cites = cites_of(session, "class_member_id", [m for _, m in classes])
    attributes = attribute_values(drug, cites)
    return DrugDetail(
        slug=drug.slug,
        name=drug.name,
        classes=[{"drug_class": c, "cites": get(member_cites, m)} for c, m in classes],
        identifiers=_identifiers(drug, get(cites, ref.id, "identifiers")),
        attributes=attributes,
        not_stated=[a for a in ATTRIBUTES if attributes[a] is None],
        aliases=[
            {"name": a.name, "kind": a.kind, "cites": get(alias_cites, a.id)} for a in aliases
        ],
        same_ingredient=_same_ingredient(session, drug),
        uses=[
            {
                "condition": u.condition,
                "line_of_therapy": u.line_of_therapy,
                "note": u.note,
                "cites": get(use_cites, u.id),
            }
            for u in uses
        ],
        warnings=[
            {
                "kind": w.kind,
                "title": w.title,
                "text": w.text,
                "interacts_with": w.interacts_with or [],
                "cites": get(warning_cites, w.id),
            }
            for w in warnings
        ],
        effect_counts=effect_counts(session, DrugEffect.drug_id, ref.id),
    )


def attribute_values(drug: Drug, cites: Any) -> dict[str, Any]:
    """A drug's attributes as cited statements (None: not stated). Compare reads these too."""
    values: dict[str, Any] = {
        a: cited(getattr(drug, a), get(cites, drug.id, a)) for a in TEXT_ATTRIBUTES
    }
    values["dependence_risk"] = None
    if drug.dependence_risk is not None:
        values["dependence_risk"] = {
            "risk": drug.dependence_risk,
            "note": drug.dependence_note,
            "cites": get(cites, drug.id, "dependence_risk"),
        }
    values["formulations"] = None
    if drug.formulations:
        values["formulations"] = {
            "value": drug.formulations,
            "cites": get(cites, drug.id, "formulations"),
        }
    return values


def _identifiers(drug: Drug, cites: list[Any]) -> dict[str, Any] | None:
    if drug.pubchem_cid is None and drug.atc_code is None and drug.rxcui is None:
        return None
    return {
        "pubchem_cid": drug.pubchem_cid,
        "atc": drug.atc_code,
        "rxcui": drug.rxcui,
        "cites": cites,
    }


def class_memberships(
    session: Session, drug_ids: list[int]
) -> dict[int, list[tuple[ClassRef, int]]]:
    rows = session.execute(
        select(DrugClassMember.drug_id, DrugClassMember.id, DrugClass.slug, DrugClass.name)
        .join(DrugClass, DrugClass.id == DrugClassMember.class_id)
        .where(DrugClassMember.drug_id.in_(drug_ids))
        .order_by(DrugClassMember.drug_id, DrugClassMember.position)
    )
    out: dict[int, list[tuple[ClassRef, int]]] = defaultdict(list)
    for drug_id, member_id, slug, name in rows:
        out[drug_id].append((ClassRef(slug=slug, name=name), member_id))
    return out


def _same_ingredient(session: Session, drug: Drug) -> list[dict[str, str]]:
    rows = session.execute(
        select(Drug.slug, Drug.name)
        .where(Drug.ingredient_key == drug.ingredient_key, Drug.id != drug.id)
        .order_by(Drug.name)
    )
    return [{"slug": slug, "name": name} for slug, name in rows]


def _brand_names(session: Session, drug_ids: list[int]) -> dict[int, list[str]]:
    rows = session.execute(
        select(Alias.drug_id, Alias.name)
        .where(Alias.drug_id.in_(drug_ids), Alias.kind == AliasKind.brand)
        .order_by(Alias.name)
    )
    out: dict[int, list[str]] = defaultdict(list)
    for drug_id, name in rows:
        if drug_id is not None:
            out[drug_id].append(name)
    return out

"""Drug list and drug detail."""

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.enums import AliasKind
from app.models import (
    Alias,
    Drug,
    DrugClass,
    DrugClassMember,
    DrugCode,
    DrugEffect,
    DrugUse,
    DrugWarning,
)
from app.models.drug import TEXT_ATTRIBUTES
from app.readmodel import cites_of, get, page_of
from app.schemas.common import ClassRef, Page
from app.schemas.drug import DrugDetail, DrugSummary
from app.services.classes import resolve_class
from app.services.effects import effect_counts, grouped
from app.services.names.list_filter import listed_ids
from app.services.names.resolve import resolve_drug

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
    return drug_details(session, [resolve_drug(session, name).id])[0]


def drug_details(session: Session, ids: list[int]) -> list[DrugDetail]:
    """The details of the drugs IDS, in that order, in twelve statements whatever their number
    (the export reads 100 at a time; one by one it took ten statements a drug)."""
    drugs = {d.id: d for d in session.scalars(select(Drug).where(Drug.id.in_(ids)))}
    cites = cites_of(session, "drug_id", ids)
    aliases = grouped(
        session.execute(
            select(Alias.drug_id, Alias.id, Alias.name, Alias.kind)
            .where(Alias.drug_id.in_(ids))
            .order_by(Alias.kind, Alias.name, Alias.id)
        )
    )
    uses = grouped(
        session.execute(
            select(DrugUse.drug_id, DrugUse)
            .where(DrugUse.drug_id.in_(ids))
            .order_by(DrugUse.release, DrugUse.position)
        )
    )
    warnings = grouped(
        session.execute(
            select(DrugWarning.drug_id, DrugWarning)
            .where(DrugWarning.drug_id.in_(ids))
            .order_by(DrugWarning.position)
        )
    )
    alias_cites = cites_of(session, "alias_id", [a.id for rows in aliases.values() for a in rows])
    use_cites = cites_of(session, "drug_use_id", [u.id for rs in uses.values() for _, u in rs])
    warning_cites = cites_of(
        session, "drug_warning_id", [w.id for rs in warnings.values() for _, w in rs]
    )
    classes = class_memberships(session, ids)
    member_cites = cites_of(
        session, "class_member_id", [m for cs in classes.values() for _, m in cs]
    )
    same = _same_ingredient(session, ids)
    codes = grouped(
        session.execute(
            select(DrugCode.drug_id, DrugCode.system, DrugCode.code, DrugCode.release)
            .where(DrugCode.drug_id.in_(ids))
            .order_by(DrugCode.system, DrugCode.code)
        )
    )
    counts = effect_counts(session, DrugEffect.drug_id, ids)
    out = []
    for i in ids:
        drug = drugs[i]
        attributes = attribute_values(drug, cites)
        out.append(
            DrugDetail(
                slug=drug.slug,
                name=drug.name,
                classes=[
                    {"drug_class": c, "cites": get(member_cites, m)} for c, m in classes.get(i, [])
                ],
                identifiers=_identifiers(drug, codes.get(i, []), get(cites, i, "identifiers")),
                attributes=attributes,
                not_stated=[a for a in ATTRIBUTES if attributes[a] is None],
                aliases=[
                    {"name": a.name, "kind": a.kind, "cites": get(alias_cites, a.id)}
                    for a in aliases.get(i, [])
                ],
                same_ingredient=same.get(i, []),
                uses=[_use(u, get(use_cites, u.id)) for _, u in uses.get(i, [])],
                warnings=[_warning(w, get(warning_cites, w.id)) for _, w in warnings.get(i, [])],
                effect_counts=counts[i],
            )
        )
    return out


def _use(use: DrugUse, cites: list[Any]) -> dict[str, Any]:
    return {
        "condition": use.condition,
        "line_of_therapy": use.line_of_therapy,
        "note": use.note,
        "cites": cites,
    }


def _warning(warning: DrugWarning, cites: list[Any]) -> dict[str, Any]:
    return {
        "kind": warning.kind,
        "title": warning.title,
        "text": warning.text,
        "interacts_with": warning.interacts_with or [],
        "cites": cites,
    }


def attribute_values(drug: Drug, cites: Any) -> dict[str, Any]:
    """A drug's attributes, each `{value, note, cites}` (None: not stated). Compare reads
    these too."""
    values: dict[str, Any] = {
        a: _attribute(getattr(drug, a), None, get(cites, drug.id, a)) for a in TEXT_ATTRIBUTES
    }
    values["dependence_risk"] = _attribute(
        drug.dependence_risk, drug.dependence_note, get(cites, drug.id, "dependence_risk")
    )
    values["formulations"] = _attribute(
        drug.formulations or None, None, get(cites, drug.id, "formulations")
    )
    return values


def _attribute(value: Any, note: str | None, cites: list[Any]) -> dict[str, Any] | None:
    return None if value is None else {"value": value, "note": note, "cites": cites}


def _identifiers(drug: Drug, codes: list[Any], cites: list[Any]) -> dict[str, Any] | None:
    """The curated codes, else the first a terminology release gives; every imported code in
    `codes` (a drug may have several ATC codes)."""
    imported = [{"system": c.system, "code": c.code, "source": c.release} for c in codes]
    first = {c["system"]: c["code"] for c in reversed(imported)}
    atc, rxcui = drug.atc_code or first.get("atc"), drug.rxcui or first.get("rxnorm")
    if drug.pubchem_cid is None and atc is None and rxcui is None:
        return None
    return {
        "pubchem_cid": drug.pubchem_cid,
        "atc": atc,
        "rxcui": rxcui,
        "codes": imported,
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


def _same_ingredient(session: Session, ids: list[int]) -> dict[int, list[dict[str, str]]]:
    other = aliased(Drug)
    rows = session.execute(
        select(Drug.id, other.slug, other.name)
        .join(other, (other.ingredient_key == Drug.ingredient_key) & (other.id != Drug.id))
        .where(Drug.id.in_(ids))
        .order_by(other.name, other.slug)
    )
    out: dict[int, list[dict[str, str]]] = defaultdict(list)
    for drug_id, slug, name in rows:
        out[drug_id].append({"slug": slug, "name": name})
    return out


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

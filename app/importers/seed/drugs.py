"""The seed's drugs (drugs.yaml): upserted by slug, each with its classes, uses and warnings
and the citations of what it states. Part of `sidefx seed` (load.py)."""

from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.enums import Release
from app.importers.seed.citations import Anchors, add_cited, cite
from app.importers.seed.files import SeedData
from app.importers.seed.models import Cited, SeedDrug
from app.importers.seed.upsert import adopt, upsert
from app.models import Drug, DrugClassMember, DrugUse, DrugWarning
from app.models.drug import TEXT_ATTRIBUTES
from app.name_keys import ingredient_key, name_key


def write_drugs(
    session: Session, seed: SeedData, anchors: Anchors, classes: dict[str, int]
) -> dict[str, int]:
    cids = {d.identifiers.pubchem_cid: d.slug for d in seed.drugs if d.identifiers}
    adopt(session, Drug, Drug.pubchem_cid, {k: v for k, v in cids.items() if k})
    ids = upsert(session, Drug, [_drug_row(d) for d in seed.drugs])
    drug_ids = list(ids.values())
    for model in (DrugUse, DrugWarning):
        session.execute(
            delete(model).where(model.drug_id.in_(drug_ids), model.release == Release.seed)
        )
    session.execute(delete(DrugClassMember).where(DrugClassMember.drug_id.in_(drug_ids)))
    for d in seed.drugs:
        drug_id = ids[d.slug]
        a = d.attributes
        parts: list[tuple[str | None, Cited | None]] = [("identifiers", d.identifiers)]
        parts += [(name, getattr(a, name)) for name in (*TEXT_ATTRIBUTES, "formulations")]
        parts.append(("dependence_risk", a.dependence_risk))
        cite(session, anchors, parts, drug_id=drug_id)
        for position, m in enumerate(d.classes):
            member = DrugClassMember(
                drug_id=drug_id, class_id=classes[m.drug_class], position=position
            )
            add_cited(session, anchors, member, m, "class_member_id")
        for position, u in enumerate(d.uses):
            use = DrugUse(
                drug_id=drug_id,
                condition=u.condition,
                line_of_therapy=u.line_of_therapy,
                note=u.note,
                position=position,
                release=Release.seed,
            )
            add_cited(session, anchors, use, u, "drug_use_id")
        for position, w in enumerate(d.warnings):
            warning = DrugWarning(
                drug_id=drug_id,
                kind=w.kind,
                title=w.title,
                text=w.text,
                interacts_with=w.interacts_with or None,
                position=position,
                release=Release.seed,
            )
            add_cited(session, anchors, warning, w, "drug_warning_id")
    return ids


def _drug_row(d: SeedDrug) -> dict[str, Any]:
    a, ids = d.attributes, d.identifiers
    row: dict[str, Any] = {
        "slug": d.slug,
        "name": d.name,
        "key": name_key(d.name),
        "ingredient_key": ingredient_key(d.name),
        "release": Release.seed,
        "pubchem_cid": ids.pubchem_cid if ids else None,
        "atc_code": ids.atc if ids else None,
        "rxcui": ids.rxcui if ids else None,
        "dependence_risk": a.dependence_risk.value if a.dependence_risk else None,
        "dependence_note": a.dependence_risk.note if a.dependence_risk else None,
        "formulations": a.formulations.value if a.formulations else None,
    }
    for name in TEXT_ATTRIBUTES:
        value = getattr(a, name)
        row[name] = value.value if value else None
    return row

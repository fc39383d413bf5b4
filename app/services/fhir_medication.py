"""A drug as FHIR R5 resources: a MedicationKnowledge (its codes, names, classes and the
ids of its clinical uses) and a MedicinalProductDefinition, the subject R5 allows for its
ClinicalUseDefinitions."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import Session

from app.models import Drug, DrugCode, DrugEffect, DrugUse, DrugWarning
from app.schemas.drug import DrugDetail
from app.services import fhir_extensions as ext
from app.services.drugs import drug_details
from app.services.fhir_common import MAX_ID, coding, drug_id, meta, present


def drugs_by_id(session: Session, ids: Iterable[str]) -> dict[str, int]:
    """Resource id -> drug id, for the ids that name a drug."""
    wanted = set(ids)
    prefixes = [  # a long slug's id is a prefix and a hash
        Drug.slug.startswith(i[:55], autoescape=True) for i in wanted if len(i) == MAX_ID
    ]
    rows = session.execute(select(Drug.slug, Drug.id).where(or_(Drug.slug.in_(wanted), *prefixes)))
    return {drug_id(slug): i for slug, i in rows if drug_id(slug) in wanted}


def drug_codes(session: Session, ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Drug id -> its (system, code)s: the curated ones, then the terminology imports'."""
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for i, atc, rxcui, cid in session.execute(
        select(Drug.id, Drug.atc_code, Drug.rxcui, Drug.pubchem_cid).where(Drug.id.in_(ids))
    ):
        out[i] += [(s, str(c)) for s, c in (("atc", atc), ("rxnorm", rxcui), ("pubchem", cid)) if c]
    for i, system, code in session.execute(
        select(DrugCode.drug_id, DrugCode.system, DrugCode.code)
        .where(DrugCode.drug_id.in_(ids))
        .order_by(DrugCode.drug_id, DrugCode.system, DrugCode.code)
    ):
        if (system.value, code) not in out[i]:
            out[i].append((system.value, code))
    return out


def clinical_use_ids(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Drug id -> the ids of its ClinicalUseDefinitions (unflagged records, uses, warnings)."""
    out: dict[int, list[str]] = defaultdict(list)
    conn = session.connection()
    for prefix, stmt in _CLINICAL_USES:
        for d, row_id in conn.execute(stmt, {"drugs": ids}):
            out[d].append(f"{prefix}-{row_id}")
    return out


def _clinical_use_statement(model: Any, *order: str) -> Select[Any]:
    table: Any = model.__table__
    stmt = select(table.c.drug_id, table.c.id).where(
        table.c.drug_id.in_(bindparam("drugs", expanding=True))
    )
    if model is DrugEffect:
        stmt = stmt.where(table.c.flag.is_(None))
    return stmt.order_by(table.c.drug_id, *(table.c[o] for o in order), table.c.id)


# Built once (Core): each kind in its drug's order.
_CLINICAL_USES = (
    ("ue", _clinical_use_statement(DrugEffect, "list_rank")),
    ("in", _clinical_use_statement(DrugUse, "release", "position")),
    ("wa", _clinical_use_statement(DrugWarning, "position")),
)


def medication_knowledge(
    base: str, drug: DrugDetail, codes: list[tuple[str, str]], uses: list[str]
) -> dict[str, Any]:
    cites = [c for m in drug.classes for c in m.cites]
    cites += drug.identifiers.cites if drug.identifiers else []
    resource = present(
        resourceType="MedicationKnowledge",
        id=drug_id(drug.slug),
        meta=meta(base, "MedicationKnowledge"),
        extension=ext.citations(base, ext.cites_data(cites)),
        status="active",
        code=present(coding=[coding(s, c, drug.name) for s, c in codes], text=drug.name),
        name=[drug.name, *(a.name for a in drug.aliases)],
        definitional={
            "definition": [{"reference": f"MedicinalProductDefinition/{drug_id(drug.slug)}"}]
        },
        clinicalUseIssue=[{"reference": f"ClinicalUseDefinition/{u}"} for u in uses],
    )
    if drug.classes:
        resource["medicineClassification"] = [
            {
                "type": {"text": "drug class"},
                "classification": [
                    {
                        "coding": [
                            {
                                "system": f"{base}/CodeSystem/drug-class",
                                "code": m.drug_class.slug,
                                "display": m.drug_class.name,
                            }
                        ],
                        "text": m.drug_class.name,
                    }
                    for m in drug.classes
                ],
            }
        ]
    return resource


def product_definition(base: str, drug: DrugDetail, codes: list[tuple[str, str]]) -> dict[str, Any]:
    """The drug as the subject of its clinical uses (R5 allows a MedicinalProductDefinition
    there, not a MedicationKnowledge; the ePI IG does the same)."""
    atc = [coding(s, c, None) for s, c in codes if s == "atc"]
    cites = drug.identifiers.cites if drug.identifiers else []
    return present(
        resourceType="MedicinalProductDefinition",
        id=drug_id(drug.slug),
        meta=meta(base, "MedicinalProductDefinition"),
        extension=ext.citations(base, ext.cites_data(cites)),
        code=[coding(s, c, drug.name) for s, c in codes if s != "atc"],
        classification=[{"coding": atc}] if atc else None,
        name=[{"productName": drug.name}, *({"productName": a.name} for a in drug.aliases)],
    )


def drug_resources(
    session: Session, base: str, ids: list[int], uses: dict[int, list[str]] | None = None
) -> list[list[dict[str, Any]]]:
    """Per drug IDS: its MedicationKnowledge and MedicinalProductDefinition (USES: their
    clinical_use_ids, where the caller has read them already)."""
    details, codes = drug_details(session, ids), drug_codes(session, ids)
    uses = clinical_use_ids(session, ids) if uses is None else uses
    return [
        [medication_knowledge(base, d, codes[i], uses[i]), product_definition(base, d, codes[i])]
        for i, d in zip(ids, details, strict=True)
    ]

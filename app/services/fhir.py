"""A drug as a FHIR R5 Bundle: MedicationKnowledge and ClinicalUseDefinitions (docs/fhir.md).

Built from the same reads as the JSON API (drug detail, the record builder) and validated by
fhir.resources. Every resource cites its sources with the `citation` extension.
"""

import uuid
from typing import Any

from fhir.resources.bundle import Bundle
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import Context, WarningKind
from app.models import DrugEffect, Effect
from app.schemas.common import Citation
from app.schemas.drug import DrugDetail
from app.schemas.record import DrugEffectRecord
from app.services.drugs import get_drug_detail
from app.services.names import resolve_drug
from app.services.records import build_records

PROFILE = "https://github.com/sidefx/sidefx/fhir"
EXTENSION = f"{PROFILE}/StructureDefinition"
CODES = f"{PROFILE}/CodeSystem"
SYSTEMS = {
    "atc": "http://www.whocc.no/atc",
    "rxnorm": "http://www.nlm.nih.gov/research/umls/rxnorm",
    "pubchem": "http://pubchem.ncbi.nlm.nih.gov/compound",
    "umls": "http://www.nlm.nih.gov/research/umls",
}
# ClinicalUseDefinition.type (R5, required binding); fhir.resources does not check it.
CLINICAL_USE_TYPES = frozenset(
    {"indication", "contraindication", "interaction", "undesirable-effect", "warning"}
)
WARNING_TYPES = {WarningKind.interaction: "interaction"}
NAMESPACE = uuid.UUID("6f1d3f4e-5c1b-4f55-9a65-5d8e2a7c0b11")


def drug_bundle(session: Session, name: str, *, include_flagged: bool) -> bytes:
    ref = resolve_drug(session, name)
    drug = get_drug_detail(session, ref.slug)
    stmt = select(DrugEffect.id).where(DrugEffect.drug_id == ref.id)
    if not include_flagged:
        stmt = stmt.where(DrugEffect.flag.is_(None))
    ids = list(session.scalars(stmt.order_by(DrugEffect.list_rank)))
    records = build_records(session, ids)
    codes = {
        slug: (cui, term)
        for slug, cui, term in session.execute(
            select(Effect.slug, Effect.umls_cui, Effect.meddra_term).where(
                Effect.slug.in_({r.effect.slug for r in records}), Effect.umls_cui.isnot(None)
            )
        )
    }
    subject = _full_url("MedicationKnowledge", drug.slug)
    uses: list[dict[str, Any]] = [
        _clinical_use(
            "indication",
            subject,
            [_citations(u.cites)],
            indication={"diseaseSymptomProcedure": {"concept": {"text": u.condition}}},
        )
        for u in drug.uses
    ]
    warnings = [_warning(w, subject) for w in drug.warnings]
    effects = [_undesirable(r, subject, codes.get(r.effect.slug)) for r in records]
    resources = [("MedicationKnowledge", drug.slug, _medication(drug))]
    resources += [
        ("ClinicalUseDefinition", f"{drug.slug}-{i}", r)
        for i, r in enumerate([*effects, *uses, *warnings])
    ]
    for kind, _, resource in resources:
        if kind == "ClinicalUseDefinition" and resource["type"] not in CLINICAL_USE_TYPES:
            raise ValueError(f"not an R5 ClinicalUseDefinition type: {resource['type']}")
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {
                    "fullUrl": _full_url(kind, key),
                    "resource": {"resourceType": kind, "id": _id(kind, key), **resource},
                }
                for kind, key, resource in resources
            ],
        }
    )
    return bundle.model_dump_json(exclude_none=True).encode()


def _id(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{key}"))


def _full_url(kind: str, key: str) -> str:
    return f"urn:uuid:{_id(kind, key)}"


def _citations(cites: list[Citation]) -> list[dict[str, Any]]:
    """One `citation` extension per distinct source and anchor."""
    distinct = {(c.source.slug, c.anchor.key): c for c in cites}.values()
    return [
        {
            "url": f"{EXTENSION}/citation",
            "extension": [
                {"url": "source", "valueString": c.source.slug},
                {"url": "title", "valueString": c.source.title},
                {"url": "anchor", "valueString": c.anchor.key},
                {"url": "label", "valueString": c.anchor.label},
            ],
        }
        for c in distinct
    ]


def _measured_in(r: DrugEffectRecord) -> list[dict[str, Any]]:
    """Imported sources' rows cite their file (the values are in the `incidence` extension)."""
    cites = [
        Citation(source=m.source, anchor=m.anchor)
        for m in r.incidence.measurements
        if m.anchor is not None
    ]
    return _citations(cites)


def _medication(drug: DrugDetail) -> dict[str, Any]:
    codings = []
    ids = drug.identifiers
    if ids is not None:
        for system, code in (("atc", ids.atc), ("rxnorm", ids.rxcui), ("pubchem", ids.pubchem_cid)):
            if code is not None:
                codings.append({"system": SYSTEMS[system], "code": str(code), "display": drug.name})
    cites = [c for m in drug.classes for c in m.cites] + (ids.cites if ids else [])
    resource: dict[str, Any] = {
        "status": "active",
        "code": {"coding": codings or None, "text": drug.name},
        "extension": _citations(cites) or None,
    }
    if drug.classes:
        resource["medicineClassification"] = [
            {
                "type": {"text": "drug class"},
                "classification": [
                    {
                        "coding": [
                            {
                                "system": f"{CODES}/drug-class",
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


def _clinical_use(
    kind: str, subject: str, extensions: list[list[dict[str, Any]]], **content: Any
) -> dict[str, Any]:
    flat = [e for group in extensions for e in group]
    return {"type": kind, "subject": [{"reference": subject}], "extension": flat or None, **content}


def _warning(w: Any, subject: str) -> dict[str, Any]:
    if w.kind is WarningKind.interaction:
        return _clinical_use(
            "interaction",
            subject,
            [_citations(w.cites)],
            interaction={
                "interactant": [{"itemCodeableConcept": {"text": i}} for i in w.interacts_with]
                or None,
                "effect": {"concept": {"text": f"{w.title}: {w.text}"}},
            },
        )
    return _clinical_use(
        "warning",
        subject,
        [_citations(w.cites)],
        category=[{"coding": [{"system": f"{CODES}/warning-kind", "code": w.kind.value}]}],
        warning={"description": w.text, "code": {"text": w.title}},
    )


def _undesirable(
    r: DrugEffectRecord, subject: str, code: tuple[str | None, str | None] | None
) -> dict[str, Any]:
    inc = r.incidence
    effect: dict[str, Any] = {"text": r.effect.name}
    if code is not None and code[0]:
        effect["coding"] = [{"system": SYSTEMS["umls"], "code": code[0], "display": code[1]}]
    context = {"url": f"{EXTENSION}/context", "valueCode": r.context.value}
    incidence = {
        "url": f"{EXTENSION}/incidence",
        "extension": [
            e
            for e in (
                {"url": "band", "valueCode": inc.band.value},
                {"url": "basis", "valueCode": inc.basis.value},
                inc.basis_source and {"url": "basis-source", "valueString": inc.basis_source.slug},
                inc.frequency is not None and {"url": "frequency", "valueDecimal": inc.frequency},
                inc.frequency_range
                and {"url": "frequency-low", "valueDecimal": inc.frequency_range.low},
                inc.frequency_range
                and {"url": "frequency-high", "valueDecimal": inc.frequency_range.high},
                inc.placebo_frequency is not None
                and {"url": "placebo", "valueDecimal": inc.placebo_frequency},
                inc.document and {"url": "wording", "valueString": inc.document.text},
            )
            if e
        ],
    }
    extensions: list[list[dict[str, Any]]] = [[context, incidence]]
    if r.onset is not None:
        parts: list[dict[str, Any]] = [{"url": "text", "valueString": r.onset.text}]
        if r.onset.relative_to is not None:
            parts.append({"url": "relative-to", "valueCode": r.onset.relative_to.value})
        for key, value in (("min-days", r.onset.min_days), ("max-days", r.onset.max_days)):
            if value is not None:
                parts.append({"url": key, "valueDecimal": value})
        if r.onset.peak_text:
            parts.append({"url": "peak", "valueString": r.onset.peak_text})
        extensions.append([{"url": f"{EXTENSION}/onset", "extension": parts}])
    if r.severity is not None:
        parts = [{"url": "note", "valueString": r.severity.note}] if r.severity.note else []
        if r.severity.value is not None:
            parts.append({"url": "value", "valueCode": r.severity.value.value})
        extensions.append([{"url": f"{EXTENSION}/severity", "extension": parts}])
    extensions.append(
        [{"url": f"{EXTENSION}/management", "valueString": m.text} for m in r.management]
    )
    if r.flag is not None:
        extensions.append([{"url": f"{EXTENSION}/flag", "valueCode": r.flag.kind.value}])
    cites = [c for part in (r.incidence.document, r.onset, r.severity) if part for c in part.cites]
    cites += [c for m in [*r.management, *r.notes] for c in m.cites]
    cites += [c for s in r.accompanying_symptoms for c in s.cites]
    extensions.append(_citations(cites) + _measured_in(r))
    return _clinical_use(
        "undesirable-effect",
        subject,
        extensions,
        category=[
            {
                "coding": [
                    {
                        "system": f"{CODES}/context",
                        "code": r.context.value,
                        "display": "withdrawal"
                        if r.context is Context.withdrawal
                        else r.context.value.replace("_", " "),
                    }
                ]
            }
        ],
        undesirableEffect={
            "symptomConditionEffect": {"concept": effect},
            "frequencyOfOccurrence": {
                "coding": [{"system": f"{CODES}/incidence-band", "code": inc.band.value}],
                "text": inc.band.value.replace("_", " "),
            },
        },
    )

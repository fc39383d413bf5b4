"""ClinicalUseDefinitions (R5): one per drug-effect record (`undesirable-effect`, id
`ue-<record>`), per use of a drug (`indication`, `in-<use>`) and per warning (`interaction` or
`warning`, `wa-<warning>`). The subject is the drug's MedicinalProductDefinition."""

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import Context, WarningKind
from app.models import Drug, DrugUse, DrugWarning, Effect
from app.schemas.record import DrugEffectRecord
from app.services import fhir_extensions as ext
from app.services.citations import cites_of, get
from app.services.fhir_common import PREFIXES, coding, drug_id, meta
from app.services.records import build_records


def clinical_uses(session: Session, base: str, ids: list[str]) -> list[dict[str, Any]]:
    """The ClinicalUseDefinitions IDS (`ue-`, `in-`, `wa-` ids), in that order; ids that
    name nothing are left out."""
    wanted: dict[str, list[int]] = defaultdict(list)
    for rid in ids:
        prefix, _, digits = rid.partition("-")
        if prefix in PREFIXES and digits.isdigit() and len(digits) < 19:
            wanted[prefix].append(int(digits))
    built: dict[str, dict[str, Any]] = {}
    records = build_records(session, wanted["ue"]) if wanted["ue"] else []
    codes = _effect_codes(session, {r.effect.slug for r in records})
    for number, r in zip(wanted["ue"], records, strict=True):
        built[f"ue-{number}"] = _undesirable(base, f"ue-{number}", r, codes.get(r.effect.slug))
    kinds: tuple[tuple[str, Any, str], ...] = (
        ("in", DrugUse, "drug_use_id"),
        ("wa", DrugWarning, "drug_warning_id"),
    )
    for prefix, model, target in kinds:
        if not wanted[prefix]:
            continue
        rows = session.execute(
            select(model, Drug.slug, Drug.name)
            .join(Drug, Drug.id == model.drug_id)
            .where(model.id.in_(wanted[prefix]))
        ).all()
        cites = cites_of(session, target, [row[0].id for row in rows])
        for row, slug, name in rows:
            rid = f"{prefix}-{row.id}"
            make = _indication if prefix == "in" else _warning
            built[rid] = make(base, rid, row, _subject(slug, name), get(cites, row.id))
    return [built[i] for i in ids if i in built]


def _effect_codes(session: Session, slugs: set[str]) -> dict[str, Any]:
    rows = session.execute(
        select(Effect.slug, Effect.umls_cui, Effect.meddra_term, Effect.meddra_code).where(
            Effect.slug.in_(slugs)
        )
    )
    return {row.slug: row for row in rows}


def _subject(slug: str, name: str) -> dict[str, Any]:
    return {"reference": f"MedicinalProductDefinition/{drug_id(slug)}", "display": name}


def _clinical_use(
    base: str, rid: str, kind: str, subject: dict[str, Any], extensions: list[Any], **content: Any
) -> dict[str, Any]:
    return {
        "resourceType": "ClinicalUseDefinition",
        "id": rid,
        "meta": meta(base, "ClinicalUseDefinition"),
        "extension": extensions or None,
        "type": kind,
        "subject": [subject],
        **content,
    }


def _indication(base: str, rid: str, use: Any, subject: dict[str, Any], cites: Any) -> Any:
    concept: dict[str, Any] = {"text": use.condition}
    if use.umls_cui:
        concept["coding"] = [coding("umls", use.umls_cui, use.condition)]
    return _clinical_use(
        base, rid, "indication", subject, ext.citations(base, cites),
        indication={"diseaseSymptomProcedure": {"concept": concept}},
    )  # fmt: skip


def _warning(base: str, rid: str, w: Any, subject: dict[str, Any], cites: Any) -> Any:
    extensions = ext.citations(base, cites)
    if w.kind is WarningKind.interaction:
        return _clinical_use(
            base, rid, "interaction", subject, extensions,
            interaction={
                "interactant": [
                    {"itemCodeableConcept": {"text": i}} for i in w.interacts_with or []
                ] or None,
                "effect": {"concept": {"text": f"{w.title}: {w.text}"}},
            },
        )  # fmt: skip
    return _clinical_use(
        base, rid, "warning", subject, extensions,
        category=[{"coding": [{"system": f"{base}/CodeSystem/warning-kind",
                               "code": w.kind.value}]}],
        warning={"description": w.text, "code": {"text": w.title}},
    )  # fmt: skip


def _undesirable(base: str, rid: str, r: DrugEffectRecord, code: Any) -> dict[str, Any]:
    effect: dict[str, Any] = {"text": r.effect.name}
    codings = []
    if code is not None and code.meddra_code is not None:
        codings.append(coding("meddra", str(code.meddra_code), code.meddra_term))
    if code is not None and code.umls_cui:
        codings.append(coding("umls", code.umls_cui, code.meddra_term or r.effect.name))
    effect["coding"] = codings or None
    display = "withdrawal" if r.context is Context.withdrawal else r.context.value.replace("_", " ")
    band = r.incidence.band.value
    return _clinical_use(
        base, rid, "undesirable-effect", _subject(r.drug.slug, r.drug.name),
        ext.undesirable(base, r),
        category=[{"coding": [{"system": f"{base}/CodeSystem/context", "code": r.context.value,
                               "display": display}]}],
        undesirableEffect={
            "symptomConditionEffect": {"concept": effect},
            "frequencyOfOccurrence": {
                "coding": [{"system": f"{base}/CodeSystem/incidence-band", "code": band}],
                "text": band.replace("_", " "),
            },
        },
    )  # fmt: skip

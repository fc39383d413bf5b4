"""ClinicalUseDefinitions (R5): one per drug-effect record (`undesirable-effect`, id
`ue-<record>`), per use of a drug (`indication`, `in-<use>`) and per warning (`interaction` or
`warning`, `wa-<warning>`). The subject is the drug's MedicinalProductDefinition.

Reading and building are apart: `clinical_uses` reads (in the database call) and gives each
resource as a function that builds it (after the call: CPU is not the database's time)."""

from collections import defaultdict
from functools import lru_cache, partial
from typing import Any

import orjson
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.enums import WarningKind
from app.models import Drug, DrugEffect, DrugUse, DrugWarning, Effect, StoredRecord
from app.readmodel import cites_of, get, stored_bodies
from app.services import fhir_extensions as ext
from app.services.fhir_common import PREFIXES, Resource, coding, drug_id, meta, present, ready
from app.services.fhir_extensions import cites_data


def clinical_uses(session: Session, base: str, ids: list[str]) -> list[Resource]:
    """The ClinicalUseDefinitions IDS (`ue-`, `in-`, `wa-` ids), in that order, read and
    ready to build; ids that name nothing are left out."""
    wanted: dict[str, list[int]] = defaultdict(list)
    for rid in ids:
        prefix, _, digits = rid.partition("-")
        if prefix in PREFIXES and digits.isdigit() and len(digits) < 19:
            wanted[prefix].append(int(digits))
    built: dict[str, Resource] = {}
    # The records as the API serves them (their stored JSON), never as models.
    for number, body, code in _records(session, wanted["ue"]):
        rid = f"ue-{number}"
        built[rid] = partial(_undesirable, base, rid, body, code)
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
            resource = make(base, rid, row, _subject(slug, name), cites_data(get(cites, row.id)))
            built[rid] = partial(ready, resource)
    return [built[i] for i in ids if i in built]


def _records(session: Session, record_ids: list[int]) -> list[tuple[int, bytes, Any]]:
    """(record id, stored JSON, its effect's codes) of the records that exist."""
    if not record_ids:
        return []
    rows = session.connection().execute(_RECORDS, {"ids": record_ids}).all()
    bodies = stored_bodies(rows)  # (id, ..., body) rows
    return [(row[0], body, row) for row, body in zip(rows, bodies, strict=True)]


_de: Any = DrugEffect.__table__
_effect: Any = Effect.__table__
_stored: Any = StoredRecord.__table__
_RECORDS = (
    select(_de.c.id, _effect.c.umls_cui, _effect.c.meddra_term, _effect.c.meddra_code,
           _stored.c.body)
    .join(_effect, _effect.c.id == _de.c.effect_id)
    .outerjoin(_stored, _stored.c.drug_effect_id == _de.c.id)
    .where(_de.c.id.in_(bindparam("ids", expanding=True)))
)  # fmt: skip


def _subject(slug: str, name: str) -> dict[str, Any]:
    return {"reference": f"MedicinalProductDefinition/{drug_id(slug)}", "display": name}


def _clinical_use(
    base: str, rid: str, kind: str, subject: dict[str, Any], extensions: list[Any], **content: Any
) -> dict[str, Any]:
    return present(
        resourceType="ClinicalUseDefinition",
        id=rid,
        meta=meta(base, "ClinicalUseDefinition"),
        extension=extensions,
        type=kind,
        subject=[subject],
        **content,
    )


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
            interaction=present(
                interactant=[{"itemCodeableConcept": {"text": i}} for i in w.interacts_with or []],
                effect={"concept": {"text": f"{w.title}: {w.text}"}},
            ),
        )  # fmt: skip
    return _clinical_use(
        base, rid, "warning", subject, extensions,
        category=[{"coding": [{"system": f"{base}/CodeSystem/warning-kind",
                               "code": w.kind.value}]}],
        warning={"description": w.text, "code": {"text": w.title}},
    )  # fmt: skip


def _undesirable(base: str, rid: str, body: bytes, code: Any) -> dict[str, Any]:
    """BODY: the record's stored JSON."""
    r = orjson.loads(body)
    codings = []
    if code is not None and code.meddra_code is not None:
        codings.append(coding("meddra", str(code.meddra_code), code.meddra_term))
    if code is not None and code.umls_cui:
        codings.append(coding("umls", code.umls_cui, code.meddra_term or r["effect"]["name"]))
    effect = present(text=r["effect"]["name"], coding=codings)
    context, band = r["context"], r["incidence"]["band"]
    return _clinical_use(
        base, rid, "undesirable-effect", _subject(r["drug"]["slug"], r["drug"]["name"]),
        ext.undesirable(base, r),
        category=_category(base, context),
        undesirableEffect={
            "symptomConditionEffect": {"concept": effect},
            "frequencyOfOccurrence": _frequency(base, band),
        },
    )  # fmt: skip


# Shared by every resource of the value (resources are written, never changed, once built).
@lru_cache(maxsize=64)
def _category(base: str, context: str) -> list[dict[str, Any]]:
    display = "withdrawal" if context == "withdrawal" else context.replace("_", " ")
    system = f"{base}/CodeSystem/context"
    return [{"coding": [{"system": system, "code": context, "display": display}]}]


@lru_cache(maxsize=64)
def _frequency(base: str, band: str) -> dict[str, Any]:
    return {
        "coding": [{"system": f"{base}/CodeSystem/incidence-band", "code": band}],
        "text": band.replace("_", " "),
    }

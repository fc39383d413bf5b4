"""Records by the standard codes clinical systems hold (`/v1/lookup`).

Drugs: ATC, RxNorm (curated codes and a terminology import's, models.DrugCode), PubChem.
Effects: UMLS (the effect's own CUI, or a label term SIDER coded with it and recorded under
the effect), MedDRA (a numeric code, once a MedDRA import gave effects theirs; otherwise a
term name). A code is echoed in its canonical form. A malformed code is a 422 saying the
form; a well-formed code nothing has is a 404 saying where such codes come from.
"""

import re
from enum import StrEnum
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.enums import DrugCodeSystem
from app.models import Drug, DrugCode, DrugEffect, Effect, Evidence
from app.name_keys import name_key
from app.problems.exceptions import InvalidParameter, UnknownDrug, UnknownEffect
from app.readmodel import page_of
from app.schemas.common import Page
from app.schemas.lookup import LookupHit


class CodeSystem(StrEnum):
    atc = "atc"  # WHO ATC code of a drug
    pubchem = "pubchem"  # PubChem compound id of a drug
    rxnorm = "rxnorm"  # RxNorm concept id of a drug's ingredient
    umls = "umls"  # UMLS concept id of an effect's term, or of a label term under it
    meddra = "meddra"  # MedDRA code (digits) or term name of an effect


FORMS = {  # system -> (canonical form, what it looks like)
    CodeSystem.atc: (re.compile(r"^[A-Z]\d\d[A-Z]{2}\d\d$"), "7 characters, e.g. N03AE01"),
    CodeSystem.pubchem: (re.compile(r"^[1-9]\d{0,11}$"), "a compound id, e.g. 2802"),
    CodeSystem.rxnorm: (re.compile(r"^[1-9]\d{0,9}$"), "an RXCUI, e.g. 2598"),
    CodeSystem.umls: (re.compile(r"^C\d{7}$"), "C and 7 digits, e.g. C0013144"),
}
WHERE_FROM = {
    CodeSystem.atc: "the curated data and `sidefx import atc` / `sidefx import rxnorm`",
    CodeSystem.rxnorm: "the curated data and `sidefx import rxnorm`",
    CodeSystem.pubchem: "the curated data and SIDER (its STITCH ids)",
    CodeSystem.umls: "SIDER (preferred and label terms) and the curated data",
    CodeSystem.meddra: "a MedDRA import (codes) or SIDER (term names)",
}


def canonical(system: CodeSystem, code: str) -> str:
    """CODE as the system writes it; a 422 saying the form when it cannot be one."""
    value = code.strip()
    if system in (CodeSystem.atc, CodeSystem.umls):
        value = value.upper()
    elif system is CodeSystem.meddra and value.isdigit():
        value = value.lstrip("0") or "0"
    form = FORMS.get(system)
    if form is not None and not form[0].match(value):
        raise InvalidParameter(
            f"'{code[:40]}' is not a {system.value} code: expected {form[1]}.",
            loc=["query", "code"],
        )
    return value


def lookup(
    session: Session, system: CodeSystem, code: str, *, limit: int, offset: int
) -> Page[LookupHit]:
    value = canonical(system, code)
    model: Any = (
        Drug if system in (CodeSystem.atc, CodeSystem.pubchem, CodeSystem.rxnorm) else Effect
    )
    stmt = select(model.id).where(_where(system, value))
    kind = "drug" if model is Drug else "effect"

    def build(ids: list[int]) -> list[LookupHit]:
        rows = {r.id: r for r in session.execute(select(model).where(model.id.in_(ids))).scalars()}
        return [
            LookupHit(
                type=kind,
                slug=rows[i].slug,
                name=rows[i].name,
                system=system,
                code=value,
                matched=_matched(system, value, rows[i]),
            )
            for i in ids
        ]

    page = page_of(session, stmt, stmt.order_by(model.slug), limit, offset, build)
    if page.total == 0 and offset == 0:
        error = UnknownDrug if model is Drug else UnknownEffect
        known = session.scalar(select(func.count()).select_from(model).where(_any(system)))
        raise error(
            f"No {kind} has {system.value} code {value}. {known or 0:,} {kind}s carry "
            f"{system.value} codes here; they come from {WHERE_FROM[system]}.",
            suggestions=[],
        )
    return page


def _imported(system: DrugCodeSystem, value: str | None = None) -> Any:
    stmt = select(DrugCode.drug_id).where(DrugCode.system == system)
    return Drug.id.in_(stmt.where(DrugCode.code == value) if value is not None else stmt)


def _where(system: CodeSystem, value: str) -> Any:
    if system is CodeSystem.atc:
        return or_(Drug.atc_code == value, _imported(DrugCodeSystem.atc, value))
    if system is CodeSystem.rxnorm:
        return or_(Drug.rxcui == value, _imported(DrugCodeSystem.rxnorm, value))
    if system is CodeSystem.pubchem:
        return Drug.pubchem_cid == int(value)
    if system is CodeSystem.umls:
        labelled = (
            select(DrugEffect.effect_id)
            .join(Evidence, Evidence.drug_effect_id == DrugEffect.id)
            .where(Evidence.label_cui == value)
        )
        return or_(Effect.umls_cui == value, Effect.id.in_(labelled))
    if value.isdigit():
        return Effect.meddra_code == int(value) if len(value) < 10 else Effect.id < 0
    return Effect.meddra_key == name_key(value)


def _any(system: CodeSystem) -> Any:
    """Records with any code of SYSTEM (the hint's count)."""
    return {
        CodeSystem.atc: or_(Drug.atc_code.isnot(None), _imported(DrugCodeSystem.atc)),
        CodeSystem.rxnorm: or_(Drug.rxcui.isnot(None), _imported(DrugCodeSystem.rxnorm)),
        CodeSystem.pubchem: Drug.pubchem_cid.isnot(None),
        CodeSystem.umls: Effect.umls_cui.isnot(None),
        CodeSystem.meddra: or_(Effect.meddra_code.isnot(None), Effect.meddra_key.isnot(None)),
    }[system]


def _matched(system: CodeSystem, value: str, row: Any) -> str:
    if system is CodeSystem.atc:
        return "code" if row.atc_code == value else "imported_code"
    if system is CodeSystem.rxnorm:
        return "code" if row.rxcui == value else "imported_code"
    if system is CodeSystem.umls:
        return "code" if row.umls_cui == value else "label_term"
    if system is CodeSystem.meddra and not value.isdigit():
        return "name"
    return "code"

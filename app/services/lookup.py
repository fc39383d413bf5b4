"""Records by the standard codes clinical systems hold (`/v1/lookup`)."""

from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Drug, Effect
from app.schemas.common import Page
from app.schemas.lookup import LookupHit
from app.services.pages import page_of
from app.text import name_key


class CodeSystem(StrEnum):
    atc = "atc"  # WHO ATC code of a drug
    pubchem = "pubchem"  # PubChem compound id of a drug
    rxnorm = "rxnorm"  # RxNorm concept id of a drug
    umls = "umls"  # UMLS concept id of an effect's MedDRA term
    meddra = "meddra"  # MedDRA term name of an effect (SIDER gives no MedDRA ids)


def lookup(
    session: Session, system: CodeSystem, code: str, *, limit: int, offset: int
) -> Page[LookupHit]:
    value = code.strip()
    model: Any
    if system is CodeSystem.atc:
        model, where = Drug, Drug.atc_code == value.upper()
    elif system is CodeSystem.pubchem:
        model, where = Drug, Drug.pubchem_cid == (int(value) if value.isdigit() else -1)
    elif system is CodeSystem.rxnorm:
        model, where = Drug, Drug.rxcui == value
    elif system is CodeSystem.umls:
        model, where = Effect, Effect.umls_cui == value.upper()
    else:
        model, where = Effect, Effect.meddra_key == name_key(value)
    stmt = select(model.id).where(where)
    kind = "drug" if model is Drug else "effect"

    def build(ids: list[int]) -> list[LookupHit]:
        rows = {
            r.id: r
            for r in session.execute(
                select(model.id, model.slug, model.name).where(model.id.in_(ids))
            )
        }
        return [
            LookupHit(type=kind, slug=rows[i].slug, name=rows[i].name, system=system, code=value)
            for i in ids
        ]

    return page_of(session, stmt, stmt.order_by(model.slug), limit, offset, build)

"""The terminology tables as the join (links.py) reads them, in memory: a few
tens of thousands of short rows for a full HPO or MedDRA release."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    DrugEffect,
    Evidence,
    HpoLaySynonym,
    HpoTerm,
    HpoTermCui,
    HpoTermParent,
    MeddraLlt,
    MeddraPt,
)
from app.name_keys import name_key


@dataclass
class Terminologies:
    pts: dict[str, tuple[int, int]] = field(default_factory=dict)  # name key -> (code, SOC)
    llts: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))  # PT -> LLTs
    llt_codes: dict[str, int] = field(default_factory=dict)  # current LLT name key -> code
    terms_by_cui: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lay: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    parents: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    label_terms: dict[int, list[str]] = field(default_factory=dict)  # effect -> HPO terms
    names: dict[str, str] = field(default_factory=dict)  # HPO term -> its name


def read_terminologies(session: Session) -> Terminologies:
    data = Terminologies()
    for code, name, soc in session.execute(
        select(MeddraPt.code, MeddraPt.name, MeddraPt.soc_code).order_by(MeddraPt.code)
    ):
        data.pts.setdefault(name_key(name), (code, soc))
    for code, name, pt in session.execute(
        select(MeddraLlt.code, MeddraLlt.name, MeddraLlt.pt_code)
        .where(MeddraLlt.current)
        .order_by(MeddraLlt.code)
    ):
        data.llts[pt].append(name)
        data.llt_codes.setdefault(name_key(name), code)
    for term, name in session.execute(select(HpoTerm.id, HpoTerm.name).where(~HpoTerm.obsolete)):
        data.names[term] = name
    for term, cui in session.execute(
        select(HpoTermCui.term_id, HpoTermCui.cui)
        .join(HpoTerm, HpoTerm.id == HpoTermCui.term_id)
        .where(~HpoTerm.obsolete)
        .order_by(HpoTermCui.term_id)
    ):
        data.terms_by_cui[cui].append(term)
    for term, name in session.execute(
        select(HpoLaySynonym.term_id, HpoLaySynonym.name).order_by(
            HpoLaySynonym.term_id, HpoLaySynonym.name
        )
    ):
        data.lay[term].append(name)
    for term, parent in session.execute(select(HpoTermParent.term_id, HpoTermParent.parent_id)):
        data.parents[term].append(parent)
    if data.terms_by_cui:
        data.label_terms = _label_terms(session, data.terms_by_cui)
    return data


def _label_terms(session: Session, terms_by_cui: dict[str, list[str]]) -> dict[int, list[str]]:
    """Effect -> the HPO terms of the label terms SIDER coded to it (evidence's label CUIs)."""
    out: dict[int, set[str]] = defaultdict(set)
    for effect_id, cui in session.execute(
        select(DrugEffect.effect_id, Evidence.label_cui)
        .join(DrugEffect, DrugEffect.id == Evidence.drug_effect_id)
        .where(Evidence.label_cui.isnot(None))
        .distinct()
    ):
        if cui:
            out[effect_id].update(terms_by_cui.get(cui, ()))
    return {effect_id: sorted(terms) for effect_id, terms in out.items() if terms}

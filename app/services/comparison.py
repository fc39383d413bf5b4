"""Several drugs side by side: attribute rows and an effect matrix.

A fixed number of statements whatever the number of drugs or effects: SQL selects the columns,
Python pivots them. Rows are effects the compared drugs have (their own records, ordered by
how many drugs share them, then by the summary); a drug without a record of a row's effect
shows the record of a narrower or the broader term instead, marked `matched_via`.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import TermMatch, WarningKind
from app.models import Drug, DrugEffect, DrugWarning, Effect
from app.name_keys import MAX_NAME_LENGTH
from app.problems.exceptions import InvalidParameter, TooFewDrugs, TooManyDrugs
from app.readmodel import EFFECT_COLUMNS, build_records, cites_of, effect_ref, get
from app.schemas.common import EffectRef
from app.schemas.comparison import ComparisonRead
from app.schemas.record import MatchedVia
from app.services.drug_effects import RecordFilters
from app.services.drugs import attribute_values, class_memberships
from app.services.names.resolve import Ref, resolve_drugs
from app.services.terms import PRIORITY, terms_for

MIN_DRUGS, MAX_DRUGS = 2, 10
DRUG_NAME = re.compile(r"^[^\x00-\x1f\x7f,]*[^\s\x00-\x1f\x7f,][^\x00-\x1f\x7f,]*$")
ATTRIBUTES = {
    "drug_class": "Drug class",
    "mechanism": "Mechanism",
    "dependence_risk": "Dependence risk",
    "common_use": "Common use",
    "sedation_potential": "Sedation potential",
    "controlled_substance": "Controlled substance",
    "boxed_warning": "Boxed warning",
    "onset_of_action": "Onset of action",
}


def parse_drug_list(values: list[str]) -> list[str]:
    """`drugs=a,b,c` or repeated `drugs=a&drugs=b`: the names, each checked."""
    names = [name.strip() for value in values for name in value.split(",")]
    if not MIN_DRUGS <= len(names) <= MAX_DRUGS:
        wrong = TooManyDrugs if len(names) > MAX_DRUGS else TooFewDrugs
        raise wrong(
            f"Compare takes {MIN_DRUGS} to {MAX_DRUGS} drugs, comma-separated; got {len(names)}.",
            loc=["query", "drugs"],
            limit=MAX_DRUGS if len(names) > MAX_DRUGS else MIN_DRUGS,
        )
    for i, name in enumerate(names):
        if not name or len(name) > MAX_NAME_LENGTH or not DRUG_NAME.fullmatch(name):
            raise InvalidParameter(
                f"Drug {i + 1} must be 1 to {MAX_NAME_LENGTH} characters without control "
                "characters or commas.",
                loc=["query", "drugs", i],
                limit=MAX_NAME_LENGTH,
            )
    return names


def compare_drugs(
    session: Session,
    names: list[str],
    filters: RecordFilters,
    *,
    shared_only: bool,
    limit: int,
    offset: int,
) -> ComparisonRead:
    refs = resolve_drugs(session, names)
    slugs = [r.slug for r in refs]
    repeated = sorted({s for s in slugs if slugs.count(s) > 1})
    if repeated:
        raise InvalidParameter(
            f"Each drug may appear once; repeated: {', '.join(repeated)}.", loc=["query", "drugs"]
        )
    presence = sorted(
        _presence(session, refs, filters).values(),
        key=lambda p: (-len(p.drugs), -p.rank, -(p.frequency or 0), p.name),
    )
    rows = [p for p in presence if not shared_only or len(p.drugs) >= 2]
    page = rows[offset : offset + limit]
    return ComparisonRead.model_validate(
        {
            "drugs": [
                {"slug": r.slug, "name": r.name, "requested": n}
                for r, n in zip(refs, names, strict=True)
            ],
            "attributes": _attribute_rows(session, refs),
            "effects": {
                "items": _matrix(session, refs, page, filters),
                "total": len(rows),
                "limit": limit,
                "offset": offset,
            },
            "summary": _summary(refs, presence),
        }
    )


@dataclass
class _Presence:
    id: int
    slug: str
    name: str
    ref: EffectRef
    rank: int = 0
    frequency: float | None = None
    drugs: set[int] = field(default_factory=set)


def _presence(session: Session, refs: list[Ref], filters: RecordFilters) -> dict[int, _Presence]:
    """Which compared drug has which effect, with the highest summary seen (one statement)."""
    stmt = (
        select(
            DrugEffect.effect_id,
            DrugEffect.drug_id,
            func.max(DrugEffect.summary_rank),
            func.max(DrugEffect.frequency),
            *EFFECT_COLUMNS,
        )
        .join(Effect, Effect.id == DrugEffect.effect_id)
        .where(DrugEffect.drug_id.in_([r.id for r in refs]), *filters.where(session))
        .group_by(DrugEffect.effect_id, DrugEffect.drug_id, *EFFECT_COLUMNS)
    )
    out: dict[int, _Presence] = {}
    for row in session.execute(stmt):
        effect_id, drug_id, rank, frequency = row[:4]
        p = out.get(effect_id)
        if p is None:
            p = out[effect_id] = _Presence(effect_id, row.slug, row.name, effect_ref(row))
        p.drugs.add(drug_id)
        p.rank = max(p.rank, rank or 0)
        p.frequency = max(p.frequency or 0, frequency or 0) or None
    return out


def _matrix(
    session: Session, refs: list[Ref], page: list[_Presence], filters: RecordFilters
) -> list[dict[str, Any]]:
    if not page:
        return []
    terms = terms_for(session, [p.id for p in page])
    effect_ids = {e for t in terms.values() for e in t.by_effect}
    records = session.execute(
        select(DrugEffect.id, DrugEffect.drug_id, DrugEffect.effect_id, DrugEffect.context)
        .where(
            DrugEffect.drug_id.in_([r.id for r in refs]),
            DrugEffect.effect_id.in_(effect_ids),
            *filters.where(session),
        )
        .order_by(DrugEffect.context, DrugEffect.id)
    ).all()
    picks: dict[tuple[int, int], list[int]] = {}
    marks: dict[tuple[int, int], TermMatch] = {}
    for p in page:
        by_effect = terms[p.id].by_effect
        for ref in refs:
            best: dict[Any, tuple[int, int]] = {}
            for r in records:
                if r.drug_id == ref.id and r.effect_id in by_effect:
                    priority = PRIORITY[by_effect[r.effect_id]]
                    if r.context not in best or priority < best[r.context][0]:
                        best[r.context] = (priority, r.id)
            picks[p.id, ref.id] = [record_id for _, record_id in best.values()]
            for record_id in picks[p.id, ref.id]:
                effect = next(r.effect_id for r in records if r.id == record_id)
                marks[p.id, record_id] = by_effect[effect]
    ids = list(dict.fromkeys(i for group in picks.values() for i in group))
    built = dict(zip(ids, build_records(session, ids), strict=True))
    rows = []
    for p in page:
        cells = []
        for ref in refs:
            cell = []
            for record_id in picks[p.id, ref.id]:
                record = built[record_id]
                if marks[p.id, record_id] is not TermMatch.exact:
                    via = MatchedVia(kind=marks[p.id, record_id], effect=record.effect)
                    record = record.model_copy(update={"matched_via": via})
                cell.append(record)
            cells.append({"drug": _drug(ref), "records": cell})
        rows.append({"effect": p.ref, "shared_by": len(p.drugs), "cells": cells})
    return rows


def _drug(ref: Ref) -> dict[str, str]:
    return {"slug": ref.slug, "name": ref.name}


def _summary(refs: list[Ref], ordered: list[_Presence]) -> dict[str, Any]:
    """Complete lists (every effect once at most: a few hundred KB at SIDER's largest)."""
    everyone = {r.id for r in refs}
    shared = [p.ref for p in ordered if p.drugs == everyone]
    unique = []
    for ref in refs:
        own = [p.ref for p in ordered if p.drugs == {ref.id}]
        unique.append({"drug": _drug(ref), "count": len(own), "effects": own})
    return {"shared_by_all": {"count": len(shared), "effects": shared}, "unique": unique}


def _attribute_rows(session: Session, refs: list[Ref]) -> list[dict[str, Any]]:
    ids = [r.id for r in refs]
    drugs = {d.id: d for d in session.scalars(select(Drug).where(Drug.id.in_(ids)))}
    cites = cites_of(session, "drug_id", ids)
    values = {i: attribute_values(drugs[i], cites) for i in ids}

    classes = class_memberships(session, ids)
    member_cites = cites_of(session, "class_member_id", [m for c in classes.values() for _, m in c])
    boxed = _boxed_warnings(session, ids)
    rows = []
    for attribute, label in ATTRIBUTES.items():
        cells = []
        for ref in refs:
            if attribute == "drug_class":
                own = classes.get(ref.id, [])
                value = ", ".join(c.name for c, _ in own) or None
                cell_cites = [c for _, m in own for c in get(member_cites, m)]
                note = None
            elif attribute == "boxed_warning":
                own_boxed = boxed.get(ref.id, [])
                value = " ".join(text for text, _ in own_boxed) or None
                cell_cites, note = [c for _, cs in own_boxed for c in cs], None
            else:
                statement = values[ref.id][attribute] or {"value": None, "note": None}
                value, note = statement["value"], statement["note"]
                value = None if value is None else str(value)
                cell_cites = statement.get("cites", [])
            cells.append(
                {
                    "drug": _drug(ref),
                    "value": value,
                    "note": note,
                    "stated": value is not None,
                    "cites": cell_cites,
                }
            )
        rows.append({"attribute": attribute, "label": label, "cells": cells})
    return rows


def _boxed_warnings(session: Session, ids: list[int]) -> dict[int, list[tuple[str, list[Any]]]]:
    rows = session.execute(
        select(DrugWarning.id, DrugWarning.drug_id, DrugWarning.title, DrugWarning.text)
        .where(DrugWarning.drug_id.in_(ids), DrugWarning.kind == WarningKind.boxed_warning)
        .order_by(DrugWarning.position)
    ).all()
    cites = cites_of(session, "drug_warning_id", [r.id for r in rows])
    out: dict[int, list[tuple[str, list[Any]]]] = defaultdict(list)
    for warning_id, drug_id, title, text in rows:
        out[drug_id].append((f"{title}: {text}", get(cites, warning_id)))
    return out

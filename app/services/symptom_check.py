"""Which of these medicines could explain this symptom, while taking it or after stopping?

A bounded number of statements whatever the list: names resolve in one each, the candidate
records of every listed drug in one, then the one record builder, the condition's facts and
the drugs' warnings. The ranking (RANKING) is explainable item by item, and gives no
probability: the sources give none.
"""

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import (
    INCIDENCE_RANK,
    Context,
    MedicationStatus,
    ProfileAspect,
    TermMatch,
    TimingVerdict,
    WarningKind,
)
from app.models import Drug, DrugClass, DrugClassMember, DrugEffect, DrugWarning, Effect, EffectFact
from app.schemas.common import DISCLAIMER
from app.schemas.record import DrugEffectRecord
from app.schemas.symptom import Medication, SymptomCheckInput, SymptomCheckResult
from app.services.citations import cites_of, get
from app.services.names import Ref, how_named, resolve_drugs, resolve_effect
from app.services.records import EFFECT_COLUMNS, build_records, effect_ref
from app.services.terms import PRIORITY, term_matches
from app.services.timing import after_stop, timing

RANKING = (
    "Explanations are ordered by, in turn: (1) timing: the symptom's start fits the source's "
    "onset window, then no window or no dates (unknown), then a start outside the window; (2) "
    "context: the one the status points to first (taking: side effect; stopped or dose reduced: "
    "withdrawal); (3) match: the symptom itself, then a narrower term, then the broader term; "
    "(4) the summary incidence (band, then the measured median). Records flagged as unlikely "
    "to be effects of the drug (see `record.flag`) come after every unflagged explanation: "
    "they are listed, not hidden. A symptom that began before the drug was started is "
    "too_early. A stopped drug's side effects are listed too; when the symptom began after "
    "the stop their timing is too_late. This orders what the sources say; it is not a "
    "probability and not a diagnosis."
)
FACTOR_ASPECTS = (
    ProfileAspect.triggers,
    ProfileAspect.contributing_factors,
    ProfileAspect.associated_conditions,
)
TIMING_ORDER = {
    TimingVerdict.fits: 0,
    TimingVerdict.unknown: 1,
    TimingVerdict.too_early: 2,
    TimingVerdict.too_late: 2,
}
WARNING_KINDS = (WarningKind.interaction, WarningKind.boxed_warning)
ABSENT = "No source links it to this symptom in any context; absence of a record is not evidence "


def check(session: Session, request: SymptomCheckInput) -> SymptomCheckResult:
    symptom = resolve_effect(session, request.symptom)
    drugs = resolve_drugs(session, [m.drug for m in request.medications])
    matches = term_matches(session, symptom.id)
    listed = list(zip(request.medications, drugs, strict=True))
    candidates = _candidates(session, matches.by_effect, [d.id for d in drugs])
    picked, plans = [], []
    for medication, drug in listed:
        for context in _contexts(medication):
            best = _best(candidates.get((drug.id, context), []), matches.by_effect)
            if best is not None:
                picked.append(best[0])
                plans.append((medication, drug, context, best[1]))
    records = dict(
        zip(picked, build_records(session, picked, matches.marks(session, picked)), strict=True)
    )
    explanations = [
        _explain(medication, drug, context, match, records[record_id], request)
        for (medication, drug, context, match), record_id in zip(plans, picked, strict=True)
    ]
    explanations.sort(key=lambda e: e.pop("_order"))
    for rank, explanation in enumerate(explanations, start=1):
        explanation["rank"] = rank
    explained = {e["drug"]["slug"] for e in explanations}
    head = session.execute(select(*EFFECT_COLUMNS).where(Effect.id == symptom.id)).one()
    return SymptomCheckResult.model_validate(
        {
            "symptom": effect_ref(head),
            "symptom_found_as": how_named(session, symptom, request.symptom),
            "explanations": explanations,
            "not_explained_by": [
                {"drug": _ref(d), "requested": m.drug, "note": ABSENT + "of safety."}
                for m, d in listed
                if d.slug not in explained and not _any_record(candidates, d)
            ],
            "other_factors": _facts(session, symptom, FACTOR_ASPECTS),
            "seek_care": [
                *_facts(session, symptom, (ProfileAspect.when_to_seek_care,), care=True),
                *_red_flags(session, drugs),
            ],
            "warnings": _warnings(session, listed),
            "ranking": RANKING,
            "disclaimer": DISCLAIMER,
        }
    )


def _ref(drug: Ref) -> dict[str, str]:
    return {"slug": drug.slug, "name": drug.name}


def _contexts(medication: Medication) -> list[Context]:
    """The contexts the status makes plausible, the one it points to first."""
    if medication.status is MedicationStatus.taking:
        return [Context.side_effect]
    # Withdrawal first; its side effects stay listed (a symptom may predate the stop or the
    # cut). After a stop, _explain judges a later symptom's timing against the stop date.
    return [Context.withdrawal, Context.side_effect]


Candidate = tuple[int, int, int, bool]  # record id, effect id, summary rank, flagged


def _candidates(
    session: Session, by_effect: dict[int, TermMatch], drug_ids: list[int]
) -> dict[tuple[int, Context], list[Candidate]]:
    """(drug, context) -> the records of the symptom's terms, flagged ones too: a source that
    lists the effect is never reported as no source (the flag travels with the record)."""
    rows = session.execute(
        select(
            DrugEffect.id,
            DrugEffect.drug_id,
            DrugEffect.context,
            DrugEffect.effect_id,
            DrugEffect.summary_rank,
            DrugEffect.flag.isnot(None),
        ).where(
            DrugEffect.drug_id.in_(drug_ids),
            DrugEffect.effect_id.in_(list(by_effect)),
        )
    )
    out: dict[tuple[int, Context], list[Candidate]] = defaultdict(list)
    for record_id, drug_id, context, effect_id, rank, flagged in rows:
        out[drug_id, context].append((record_id, effect_id, rank, bool(flagged)))
    return out


def _best(
    options: list[Candidate], by_effect: dict[int, TermMatch]
) -> tuple[int, TermMatch] | None:
    """An unflagged record before a flagged one, then the closest term, then the band."""
    if not options:
        return None
    record_id, effect_id, _, _ = min(
        options, key=lambda o: (o[3], PRIORITY[by_effect[o[1]]], -o[2], o[0])
    )
    return record_id, by_effect[effect_id]


def _any_record(candidates: dict[tuple[int, Context], Any], drug: Ref) -> bool:
    return any(drug_id == drug.id for drug_id, _ in candidates)


def _explain(
    medication: Medication,
    drug: Ref,
    context: Context,
    match: TermMatch,
    record: DrugEffectRecord,
    request: SymptomCheckInput,
) -> dict[str, Any]:
    fit = timing(record.onset, medication, request.symptom_started_on)
    if context is Context.side_effect:
        fit = after_stop(fit, medication, request.symptom_started_on)
    primary = _contexts(medication)[0] == context
    incidence = record.incidence
    why = [
        f"timing: {fit.reason}",
        f"context: {context.value} is "
        + ("what the status points to first" if primary else "also plausible for the status"),
        "match: "
        + (
            "the symptom itself"
            if match is TermMatch.exact
            else f"through the {match.value.replace('_', ' ')} {record.effect.name}"
        ),
        f"incidence: {incidence.band.value}"
        + (f", median {incidence.frequency:.1%}" if incidence.frequency is not None else "")
        + f" ({incidence.basis.value.replace('_', ' ')})",
    ]
    if record.flag is not None:
        sources = ", ".join(s.title for s in record.sources)
        why.append(f"listed by {sources}, flagged: {record.flag.reason}")
    order = (
        record.flag is not None,
        TIMING_ORDER[fit.verdict],
        not primary,
        PRIORITY[match],
        -_band_rank(record),
        -(incidence.frequency or 0.0),
        drug.slug,
        context.value,
    )
    return {
        "drug": _ref(drug),
        "medication": {
            "requested": medication.drug,
            "status": medication.status,
            "started_on": medication.started_on,
            "changed_on": medication.changed_on,
        },
        "context": context,
        "timing": fit,
        "record": record,
        "why": why,
        "rank": 0,
        "_order": order,
    }


def _band_rank(record: DrugEffectRecord) -> int:
    return INCIDENCE_RANK[record.incidence.band]


def _facts(
    session: Session, symptom: Ref, aspects: tuple[ProfileAspect, ...], *, care: bool = False
) -> list[dict[str, Any]]:
    """What the symptom's condition record (else the broader term's) says, cited."""
    broader = session.scalar(select(Effect.broader_id).where(Effect.id == symptom.id))
    owners = [symptom.id, *([broader] if broader else [])]
    rows = session.execute(
        select(
            EffectFact.id, EffectFact.effect_id, EffectFact.aspect, EffectFact.text, *EFFECT_COLUMNS
        )
        .join(Effect, Effect.id == EffectFact.effect_id)
        .where(EffectFact.effect_id.in_(owners), EffectFact.aspect.in_(aspects))
        .order_by(EffectFact.aspect, EffectFact.position)
    ).all()
    own = [r for r in rows if r.effect_id == symptom.id] or rows
    cites = cites_of(session, "effect_fact_id", [r.id for r in own])
    if care:
        return [
            {"text": r.text, "effect": effect_ref(r), "drug": None, "cites": get(cites, r.id)}
            for r in own
        ]
    return [
        {"aspect": r.aspect, "effect": effect_ref(r), "text": r.text, "cites": get(cites, r.id)}
        for r in own
    ]


def _red_flags(session: Session, drugs: list[Ref]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(DrugWarning.id, DrugWarning.drug_id, DrugWarning.text)
        .where(
            DrugWarning.drug_id.in_([d.id for d in drugs]), DrugWarning.kind == WarningKind.red_flag
        )
        .order_by(DrugWarning.drug_id, DrugWarning.position)
    ).all()
    cites = cites_of(session, "drug_warning_id", [r.id for r in rows])
    by_id = {d.id: d for d in drugs}
    return [
        {"text": r.text, "effect": None, "drug": _ref(by_id[r.drug_id]), "cites": get(cites, r.id)}
        for r in rows
    ]


def _warnings(session: Session, listed: list[tuple[Medication, Ref]]) -> list[dict[str, Any]]:
    """Interactions and boxed warnings of every listed drug; discontinuation warnings of those
    stopped or cut. `involves`: the other listed drugs a warning names (by slug or class)."""
    drugs = {d.id: d for _, d in listed}
    changed = {d.id for m, d in listed if m.status is not MedicationStatus.taking}
    rows = (
        session.execute(
            select(DrugWarning)
            .where(DrugWarning.drug_id.in_(list(drugs)))
            .order_by(DrugWarning.drug_id, DrugWarning.position)
        )
        .scalars()
        .all()
    )
    wanted = [
        w
        for w in rows
        if w.kind in WARNING_KINDS
        or (w.kind is WarningKind.discontinuation and w.drug_id in changed)
    ]
    cites = cites_of(session, "drug_warning_id", [w.id for w in wanted])
    names = _names_of(session, list(drugs))
    return [
        {
            "drug": _ref(drugs[w.drug_id]),
            "kind": w.kind,
            "title": w.title,
            "text": w.text,
            "interacts_with": w.interacts_with or [],
            "involves": [
                _ref(drugs[o])
                for o in drugs
                if o != w.drug_id and names[o] & set(w.interacts_with or [])
            ],
            "cites": get(cites, w.id),
        }
        for w in wanted
    ]


def _names_of(session: Session, drug_ids: list[int]) -> dict[int, set[str]]:
    """Each drug's slug and class slugs: what `interacts_with` can name it by."""
    out: dict[int, set[str]] = {}
    for drug_id, slug in session.execute(select(Drug.id, Drug.slug).where(Drug.id.in_(drug_ids))):
        out[drug_id] = {slug}
    for drug_id, class_slug in session.execute(
        select(DrugClassMember.drug_id, DrugClass.slug)
        .join(DrugClass, DrugClass.id == DrugClassMember.class_id)
        .where(DrugClassMember.drug_id.in_(drug_ids))
    ):
        out[drug_id].add(class_slug)
    return out

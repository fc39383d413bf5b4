"""Which of these medicines could explain this symptom, while taking it or after stopping?

A bounded number of prebuilt statements whatever the list (symptom_reads): names resolve in
one each, the candidate records of every listed drug in one, their stored bodies in one, the
condition's facts, the drugs' warnings and classes. The records are never parsed into models:
their timing and reasons are read from the stored JSON, and the answer splices the bytes
(symptom_answer). The ranking (RANKING) is explainable item by item, and gives no
probability: the sources give none.
"""

from typing import Any

import orjson
from sqlalchemy.orm import Session

from app.enums import (
    INCIDENCE_RANK,
    Context,
    IncidenceBand,
    MedicationStatus,
    ProfileAspect,
    TermMatch,
    TimingVerdict,
    WarningKind,
)
from app.readmodel import cites_of, effect_data, effect_ref, get, marked, record_json
from app.schemas.record import Onset
from app.schemas.symptom import FoundAs, Medication, SymptomCheckInput, SymptomCheckResult
from app.services import symptom_reads as reads
from app.services.names.resolve import Ref, how_named, resolve_drugs, resolve_effect
from app.services.symptom_answer import Explained, SymptomAnswer
from app.services.symptom_reads import Candidate
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


def answer(session: Session, request: SymptomCheckInput) -> SymptomAnswer:
    """The check; its records are the stored bytes (SymptomAnswer.to_json splices them)."""
    symptom = resolve_effect(session, request.symptom)
    drugs = resolve_drugs(session, [m.drug for m in request.medications])
    matches = term_matches(session, symptom.id)
    listed = list(zip(request.medications, drugs, strict=True))
    candidates = reads.candidates(session, matches.by_effect, [d.id for d in drugs])
    picked, plans = [], []
    for medication, drug in listed:
        for context in _contexts(medication):
            best = _best(candidates.get((drug.id, context), []), matches.by_effect)
            if best is not None:
                picked.append(best[0])
                plans.append((medication, drug, context, best[1]))
    explanations = [
        _explain(medication, drug, context, match, marked(body, match), request)
        for (medication, drug, context, match), body in zip(
            plans, record_json(session, picked), strict=True
        )
    ]
    explanations.sort(key=lambda e: e.order)
    explained = {e.drug["slug"] for e in explanations}
    head = reads.symptom_row(session, symptom.id, request.symptom)
    alias = None if head.alias_kind is None else (head.alias_kind, head.alias_release)
    factors, care = _facts(session, symptom, head.broader_id)
    red_flags, warnings = _warnings(session, listed)
    return SymptomAnswer(
        ranking=RANKING,
        symptom=effect_ref(head),
        symptom_found_as=FoundAs.model_validate(
            how_named(request.symptom, symptom.name, alias, head.meddra_key)
        ),
        explanations=explanations,
        not_explained_by=[
            {"drug": _ref(d), "requested": m.drug, "note": ABSENT + "of safety."}
            for m, d in listed
            if d.slug not in explained and not _any_record(candidates, d)
        ],
        other_factors=factors,
        seek_care=care + red_flags,
        warnings=warnings,
    )


def check(session: Session, request: SymptomCheckInput) -> SymptomCheckResult:
    """The check as a model (CDS Hooks, MCP): the same answer as the route's bytes."""
    return answer(session, request).result()


def _ref(drug: Ref) -> dict[str, str]:
    return {"slug": drug.slug, "name": drug.name}


def _contexts(medication: Medication) -> list[Context]:
    """The contexts the status makes plausible, the one it points to first."""
    if medication.status is MedicationStatus.taking:
        return [Context.side_effect]
    # Withdrawal first; its side effects stay listed (a symptom may predate the stop or the
    # cut). After a stop, _explain judges a later symptom's timing against the stop date.
    return [Context.withdrawal, Context.side_effect]


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
    body: bytes,
    request: SymptomCheckInput,
) -> Explained:
    # The few fields the ranking reads, from the stored JSON (parsing it is microseconds).
    record = orjson.loads(body)
    onset = None if record["onset"] is None else Onset.model_validate(record["onset"])
    fit = timing(onset, medication, request.symptom_started_on)
    if context is Context.side_effect:
        fit = after_stop(fit, medication, request.symptom_started_on)
    primary = _contexts(medication)[0] == context
    incidence, flag = record["incidence"], record["flag"]
    band = IncidenceBand(incidence["band"])
    why = [
        f"timing: {fit.reason}",
        f"context: {context.value} is "
        + ("what the status points to first" if primary else "also plausible for the status"),
        "match: "
        + (
            "the symptom itself"
            if match is TermMatch.exact
            else f"through the {match.value.replace('_', ' ')} {record['effect']['name']}"
        ),
        f"incidence: {band.value}"
        + (f", median {incidence['frequency']:.1%}" if incidence["frequency"] is not None else "")
        + f" ({incidence['basis'].replace('_', ' ')})",
    ]
    if flag is not None:
        sources = ", ".join(s["title"] for s in record["sources"])
        why.append(f"listed by {sources}, flagged: {flag['reason']}")
    order = (
        flag is not None,
        TIMING_ORDER[fit.verdict],
        not primary,
        PRIORITY[match],
        -INCIDENCE_RANK[band],
        -(incidence["frequency"] or 0.0),
        drug.slug,
        context.value,
    )
    echo = {
        "requested": medication.drug,
        "status": medication.status,
        "started_on": medication.started_on,
        "changed_on": medication.changed_on,
    }
    return Explained(_ref(drug), echo, context, fit, body, why, order)


def _facts(
    session: Session, symptom: Ref, broader: int | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What the symptom's condition record (else the broader term's) says, cited: the other
    factors, and when to seek care."""
    care_aspects = (ProfileAspect.when_to_seek_care,)
    rows, cites = reads.facts(session, symptom.id, broader, (*FACTOR_ASPECTS, *care_aspects))

    def own(aspects: tuple[ProfileAspect, ...]) -> list[Any]:
        group = [r for r in rows if r.aspect in aspects]
        return [r for r in group if r.effect_id == symptom.id] or group

    factors = [
        {"aspect": r.aspect, "effect": effect_data(r), "text": r.text, "cites": get(cites, r.id)}
        for r in own(FACTOR_ASPECTS)
    ]
    care = [
        {"text": r.text, "effect": effect_data(r), "drug": None, "cites": get(cites, r.id)}
        for r in own(care_aspects)
    ]
    return factors, care


def _warnings(
    session: Session, listed: list[tuple[Medication, Ref]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The red flags of every listed drug (care advice); its interactions and boxed
    warnings, and the discontinuation warnings of those stopped or cut. `involves`: the
    other listed drugs a warning names (by slug or class)."""
    drugs = {d.id: d for _, d in listed}
    changed = {d.id for m, d in listed if m.status is not MedicationStatus.taking}
    kinds = (WarningKind.red_flag, WarningKind.discontinuation, *WARNING_KINDS)
    rows = reads.warnings(session, list(drugs), kinds)
    red = [w for w in rows if w.kind is WarningKind.red_flag]
    wanted = [
        w
        for w in rows
        if w.kind in WARNING_KINDS
        or (w.kind is WarningKind.discontinuation and w.drug_id in changed)
    ]
    cites = cites_of(session, "drug_warning_id", [w.id for w in [*red, *wanted]])
    # Classes only matter to a warning that names what it interacts with (curated ones).
    names = reads.class_slugs(session, list(drugs)) if any(w.interacts_with for w in wanted) else {}
    names = {drug_id: {drug.slug, *names.get(drug_id, ())} for drug_id, drug in drugs.items()}
    red_flags = [
        {"text": w.text, "effect": None, "drug": _ref(drugs[w.drug_id]), "cites": get(cites, w.id)}
        for w in red
    ]
    warnings = [
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
    return red_flags, warnings

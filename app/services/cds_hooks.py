"""CDS Hooks 3.0 services over the symptom check: discovery, `patient-view`, `order-sign`.

patient-view: for each recent finding (Condition or Observation that began within RECENT_DAYS)
the symptom check (app/services/symptom_check.check, its ranking, nothing re-ranked) is run with
the patient's medications; each *likely* explanation becomes a card, in the check's order: one
whose timing fits the source's onset window, or that has no window but began after the
medication's start or stop. Flagged records are not likely explanations. order-sign: a draft
discontinuation of a drug with withdrawal records or discontinuation warnings gets a card of
what to expect, when, and the taper the sources advise.

Prefetch only: the service does not call the EHR's FHIR server. Without the data it needs it
answers no cards and says why in `extension` (REASON), a 200 the EHR can show as "nothing".
Nothing is stored: not the request, not the cards.
"""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.enums import Context, MedicationStatus, TimingVerdict, WarningKind
from app.problems.exceptions import InvalidParameter
from app.schemas.cds_hooks import Card, CdsRequest, CdsResponse, CdsService, Discovery
from app.schemas.record import DrugEffectRecord
from app.schemas.symptom import MAX_MEDICATIONS, Explanation, Medication, SymptomCheckInput
from app.services import drug_effects, drugs, symptom_check
from app.services.cds_cards import explanation_card, notice_card, withdrawal_card
from app.services.cds_coding import resolve_finding, resolve_medication
from app.services.cds_fhir import MedicationEntry, Read, concept, read_resource, resources
from app.services.drug_effects import RecordFilters
from app.services.names.resolve import Ref

PATIENT_VIEW, ORDER_SIGN = "sidefx-symptom-explanations", "sidefx-withdrawal-on-stop"
REASON = "org.sidefx.reason"
RECENT_DAYS = 90
MAX_FINDINGS = 10  # the most recent ones: one symptom check each
MAX_WITHDRAWAL_RECORDS = 20
PATIENT_VIEW_PREFETCH = {
    "medicationStatements": "MedicationStatement?patient={{context.patientId}}",
    "medicationRequests": "MedicationRequest?patient={{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}&_sort=-date&_count=100",
}
DISCONTINUED = {"stopped", "cancelled", "ended"}
SERVICES = Discovery(
    services=[
        CdsService(
            hook="patient-view",
            id=PATIENT_VIEW,
            title="sidefx: could a medicine explain a recent symptom?",
            description="For each Condition or Observation that began in the last "
            f"{RECENT_DAYS} days, the patient's medications that could explain it: a side "
            "effect since a drug was started, or withdrawal since one was stopped, ranked as "
            "sidefx's symptom check ranks them, with timing and citations. Information, not a "
            "diagnosis.",
            prefetch=PATIENT_VIEW_PREFETCH,
            usageRequirements="Reads prefetch only (FHIR R4 or R5); codes: RxNorm, ATC, "
            "UMLS/MedDRA, else the display text (SNOMED CT by its display).",
        ),
        CdsService(
            hook="order-sign",
            id=ORDER_SIGN,
            title="sidefx: withdrawal on stopping a medicine",
            description="On a draft discontinuation (a MedicationRequest with status stopped, "
            "cancelled or ended, or doNotPerform), what withdrawal to expect and when, and "
            "whether the sources advise a taper, with citations.",
        ),
    ]
)


def discovery() -> Discovery:
    return SERVICES


def patient_view(session: Session, request: CdsRequest, base: str) -> CdsResponse:
    given = [k for k in PATIENT_VIEW_PREFETCH if k in (request.prefetch or {})]
    if not given:
        return _no_data(
            "No prefetch was sent, and this service reads prefetch only (it does not call the "
            f"EHR's FHIR server): send {', '.join(PATIENT_VIEW_PREFETCH)} as discovery lists."
        )
    today = datetime.now(UTC).date()
    read = Read()
    for key in given:
        for resource in resources((request.prefetch or {})[key], key, read):
            read_resource(resource, read, today)
    notes = list(read.skipped)
    medications = _medications(session, read.medications, notes)
    cards: list[Card] = []
    findings = sorted(
        (f for f in read.findings if f.began_on and (today - f.began_on).days <= RECENT_DAYS),
        key=lambda f: f.began_on or today,
        reverse=True,
    )
    notes += [f"{f.reference} ({f.concept.label}): no onset date" for f in read.findings
              if f.began_on is None]  # fmt: skip
    for finding in findings[:MAX_FINDINGS]:
        effect = resolve_finding(session, finding.concept)
        if effect is None:
            notes.append(f"{finding.reference}: '{finding.concept.label}' is not a known effect")
        elif medications:
            check = SymptomCheckInput(
                symptom=effect.slug, symptom_started_on=finding.began_on, medications=medications
            )
            result = symptom_check.check(session, check)
            cards += [explanation_card(e, effect.name, base) for e in result.explanations
                      if _likely(e)]  # fmt: skip
    if notes:
        cards.append(notice_card("sidefx could not assess some of the chart", notes, base))
    return CdsResponse(cards=cards)


def order_sign(session: Session, request: CdsRequest, base: str) -> CdsResponse:
    orders = request.context.get("draftOrders")
    if not isinstance(orders, dict):
        raise InvalidParameter(
            "order-sign needs context.draftOrders: a FHIR Bundle of draft orders.",
            loc=["body", "context", "draftOrders"],
        )
    read, notes, cards = Read(), list[str](), list[Card]()
    for order in resources(orders, "draftOrders", read):
        if order.get("resourceType") != "MedicationRequest" or not _discontinues(order):
            continue
        wanted = concept(order.get("medicationCodeableConcept") or
                         (order.get("medication") or {}).get("concept"))  # fmt: skip
        ref = resolve_medication(session, wanted)
        if ref is None:
            notes.append(f"MedicationRequest/{order.get('id', '?')}: '{wanted.label}' unknown")
            continue
        card = _withdrawal(session, ref, base)
        if card is not None:
            cards.append(card)
    notes += read.skipped
    if notes:
        cards.append(notice_card("sidefx could not assess some of the orders", notes, base))
    return CdsResponse(cards=cards)


def _no_data(reason: str) -> CdsResponse:
    return CdsResponse(cards=[], extension={REASON: reason})


def _discontinues(order: dict[str, Any]) -> bool:
    return order.get("status") in DISCONTINUED or order.get("doNotPerform") is True


def _medications(
    session: Session, entries: list[MedicationEntry], notes: list[str]
) -> list[Medication]:
    """One per drug (its latest event: a stop after a start), at most MAX_MEDICATIONS."""
    latest: dict[str, tuple[date, Medication]] = {}
    for entry in entries:
        ref = resolve_medication(session, entry.concept)
        if ref is None:
            notes.append(f"{entry.reference}: '{entry.concept.label}' is not a known medicine")
            continue
        when = entry.changed_on or entry.started_on or date.min
        medication = _medication(ref, entry)
        if ref.slug not in latest or when >= latest[ref.slug][0]:
            latest[ref.slug] = (when, medication)
    ordered = sorted(latest.values(), key=lambda t: t[0], reverse=True)
    if len(ordered) > MAX_MEDICATIONS:
        notes.append(f"only the {MAX_MEDICATIONS} most recently changed medicines were checked")
    return [m for _, m in ordered[:MAX_MEDICATIONS]]


def _medication(ref: Ref, entry: MedicationEntry) -> Medication:
    started, changed = entry.started_on, entry.changed_on
    if started and changed and changed < started:
        started = None  # a record's dates disagree: the stop is what withdrawal counts from
    if entry.status is MedicationStatus.taking:
        changed = None
    return Medication(drug=ref.slug, status=entry.status, started_on=started, changed_on=changed)


def _likely(explanation: Explanation) -> bool:
    if explanation.record.flag is not None:
        return False
    timing = explanation.timing
    if timing.verdict is TimingVerdict.fits:
        return True
    return timing.verdict is TimingVerdict.unknown and timing.days is not None and timing.days >= 0


def _withdrawal(session: Session, ref: Ref, base: str) -> Card | None:
    page = drug_effects.list_drug_effects(
        session, ref.slug, RecordFilters(Context.withdrawal), limit=MAX_WITHDRAWAL_RECORDS, offset=0
    )
    records = [DrugEffectRecord.model_validate_json(item) for item in page.items]
    detail = drugs.get_drug_detail(session, ref.slug)
    warnings = [w for w in detail.warnings if w.kind is WarningKind.discontinuation]
    if not records and not warnings:
        return None
    return withdrawal_card(ref.name, ref.slug, records, warnings, base)

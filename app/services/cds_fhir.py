"""Reading the FHIR a CDS client sends (R4 or R5 JSON): medications with their status and
dates, and the patient's findings (Conditions, Observations) with when they began.

Plain dictionaries are read, not validated as FHIR: an EHR's resources are often partial, and
one odd resource must not cost the whole answer. What cannot be used is said (`skipped`).

Medications (MedicationStatement, MedicationRequest; R4 `medicationCodeableConcept`, R5
`medication.concept`, or a contained Medication's `code`):
- taking: status active / on-hold (R4 statements: also `unknown` without an end date), from
  `effectivePeriod.start` / `effectiveDateTime` / `authoredOn`;
- stopped: status stopped / completed / ended, or an `effectivePeriod.end` that has passed;
  stopped on that end, or on R5 `statusChanged`;
- left out: entered-in-error, not-taken, intended, draft, cancelled, and `doNotPerform`.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from app.enums import MedicationStatus

MEDICATION_TYPES = ("MedicationStatement", "MedicationRequest")
FINDING_TYPES = ("Condition", "Observation")
NOT_GIVEN = {"entered-in-error", "not-taken", "intended", "draft", "cancelled"}
ENDED = {"stopped", "completed", "ended"}
NOT_FINDINGS = {"entered-in-error", "refuted", "cancelled"}
MAX_RESOURCES = 500  # per prefetch key: more is not read (and said)


@dataclass(frozen=True, slots=True)
class Concept:
    """A CodeableConcept as sent: its codings (system, code, display) and its text."""

    codings: tuple[tuple[str, str, str | None], ...]
    text: str | None

    @property
    def label(self) -> str:
        shown = self.text or next((d for _, _, d in self.codings if d), None)
        return shown or next((f"{s} {c}" for s, c, _ in self.codings), "an uncoded entry")


@dataclass(frozen=True, slots=True)
class MedicationEntry:
    concept: Concept
    status: MedicationStatus
    started_on: date | None
    changed_on: date | None
    reference: str


@dataclass(frozen=True, slots=True)
class Finding:
    concept: Concept
    began_on: date | None
    reference: str


@dataclass
class Read:
    medications: list[MedicationEntry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def resources(value: Any, key: str, read: Read) -> list[dict[str, Any]]:
    """The resources of one prefetch value: a Bundle's entries, one resource, or none
    (null); an OperationOutcome (the client's prefetch failed) is said."""
    if not isinstance(value, dict):
        return []
    if value.get("resourceType") == "OperationOutcome":
        read.skipped.append(f"prefetch `{key}`: the EHR could not provide it")
        return []
    if value.get("resourceType") != "Bundle":
        return [value]
    entries = [e.get("resource") for e in value.get("entry") or [] if isinstance(e, dict)]
    found = [r for r in entries if isinstance(r, dict)]
    if len(found) > MAX_RESOURCES:
        read.skipped.append(f"prefetch `{key}`: only the first {MAX_RESOURCES} entries read")
    return found[:MAX_RESOURCES]


def read_resource(resource: dict[str, Any], read: Read, today: date) -> None:
    kind = resource.get("resourceType")
    if kind == "OperationOutcome":
        read.skipped.append("an OperationOutcome in place of a resource")
    elif kind in MEDICATION_TYPES:
        entry = medication(resource, today)
        if entry is not None:
            read.medications.append(entry)
    elif kind in FINDING_TYPES:
        finding = _finding(resource)
        if finding is not None:
            read.findings.append(finding)


def medication(resource: dict[str, Any], today: date) -> MedicationEntry | None:
    status = str(resource.get("status") or "")
    if status in NOT_GIVEN or resource.get("doNotPerform") is True:
        return None
    period = resource.get("effectivePeriod") or {}
    validity = (resource.get("dispenseRequest") or {}).get("validityPeriod") or {}
    started = _date(
        period.get("start")
        or resource.get("effectiveDateTime")
        or resource.get("authoredOn")
        or validity.get("start")
    )
    end = _date(period.get("end") or resource.get("statusChanged"))
    if status in ENDED or (end is not None and end <= today):
        return MedicationEntry(
            medication_concept(resource), MedicationStatus.stopped, started, end, _ref(resource)
        )
    return MedicationEntry(
        medication_concept(resource), MedicationStatus.taking, started, None, _ref(resource)
    )


def medication_concept(resource: dict[str, Any]) -> Concept:
    """R4 medicationCodeableConcept, R5 medication.concept, or a contained Medication."""
    med = resource.get("medication")
    if isinstance(med, dict) and isinstance(med.get("concept"), dict):
        return concept(med["concept"])
    if isinstance(resource.get("medicationCodeableConcept"), dict):
        return concept(resource["medicationCodeableConcept"])
    ref = (med or {}).get("reference") if isinstance(med, dict) else None
    ref = ref or (resource.get("medicationReference") or {}).get("reference")
    for contained in resource.get("contained") or []:
        if isinstance(contained, dict) and f"#{contained.get('id')}" == ref:
            return concept(contained.get("code") or {})
    display = (med or resource.get("medicationReference") or {}).get("display")
    return Concept((), display if isinstance(display, str) else None)


def _finding(resource: dict[str, Any]) -> Finding | None:
    verification = concept(resource.get("verificationStatus") or {}).codings
    status = str(resource.get("status") or "")
    if status in NOT_FINDINGS or any(c in NOT_FINDINGS for _, c, _ in verification):
        return None
    onset = resource.get("onsetPeriod") or resource.get("effectivePeriod") or {}
    began = _date(
        resource.get("onsetDateTime")
        or onset.get("start")
        or resource.get("effectiveDateTime")
        or resource.get("effectiveInstant")
        or resource.get("recordedDate")
        or resource.get("issued")
    )
    return Finding(concept(resource.get("code") or {}), began, _ref(resource))


def concept(value: Any) -> Concept:
    if not isinstance(value, dict):
        return Concept((), None)
    codings = tuple(
        (str(c.get("system") or ""), str(c.get("code") or ""), _text(c.get("display")))
        for c in value.get("coding") or []
        if isinstance(c, dict) and c.get("code")
    )
    return Concept(codings, _text(value.get("text")))


def _text(value: Any) -> str | None:
    return (value.strip()[:200] or None) if isinstance(value, str) else None


def _date(value: Any) -> date | None:
    """A FHIR date or dateTime to its day; partial dates (`2026-01`) say no day."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    latest = datetime.now(UTC).date()
    return day if day.year > 1900 and day <= latest else None


def _ref(resource: dict[str, Any]) -> str:
    return f"{resource.get('resourceType')}/{str(resource.get('id') or '?')[:64]}"

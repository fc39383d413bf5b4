"""POST /v1/symptom-check: a symptom and a medication list in; ranked explanations out."""

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints, model_validator

from app.enums import (
    Context,
    MedicationStatus,
    OnsetAnchor,
    ProfileAspect,
    TimingVerdict,
    WarningKind,
)
from app.name_keys import MAX_NAME_LENGTH, PRINTABLE
from app.schemas.common import Citation, DrugRef, EffectRef, Input, Schema
from app.schemas.record import DrugEffectRecord

MAX_MEDICATIONS = 20
Name = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=MAX_NAME_LENGTH, pattern=PRINTABLE
    ),
]


def _iso_text(value: object) -> object:
    """Dates come as ISO 8601 text (or null): lax validation read `0` as 1970-01-01."""
    if value is not None and not isinstance(value, str | date):
        raise ValueError("a date is ISO 8601 text: YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_text)]


def _not_future(value: date | None, field: str) -> None:
    # Today anywhere on Earth: the latest time zone is 14 hours ahead of UTC.
    latest = (datetime.now(UTC) + timedelta(hours=14)).date()
    if value is not None and value > latest:
        raise ValueError(f"{field} is in the future")


class Medication(Input):
    drug: Name = Field(description="Slug, generic, brand or ingredient name (`Klonopin`).")
    status: MedicationStatus = Field(description="taking, stopped or dose_reduced.")
    started_on: IsoDate | None = Field(None, description="When it was started (ISO 8601).")
    changed_on: IsoDate | None = Field(
        None, description="When it was stopped or the dose lowered (stopped/dose_reduced only)."
    )

    @model_validator(mode="after")
    def _dates(self) -> "Medication":
        _not_future(self.started_on, "started_on")
        _not_future(self.changed_on, "changed_on")
        if self.changed_on is not None and self.status is MedicationStatus.taking:
            raise ValueError("changed_on is only for stopped or dose_reduced medications")
        if self.started_on and self.changed_on and self.changed_on < self.started_on:
            raise ValueError("changed_on is before started_on")
        return self


class SymptomCheckInput(Input):
    """A symptom and the medicines taken or recently changed."""

    symptom: Name = Field(description="An effect name, synonym or MedDRA term (`leg cramps`).")
    symptom_started_on: IsoDate | None = Field(None, description="When it began (ISO 8601).")
    medications: list[Medication] = Field(
        min_length=1, max_length=MAX_MEDICATIONS, description="1 to 20 medications."
    )

    @model_validator(mode="after")
    def _date(self) -> "SymptomCheckInput":
        _not_future(self.symptom_started_on, "symptom_started_on")
        return self


class OnsetWindow(Schema):
    relative_to: OnsetAnchor | None = Field(description="What the days count from.")
    min_days: float | None = Field(description="Earliest onset, in days.")
    max_days: float | None = Field(description="Latest onset, in days.")
    text: str | None = Field(description="The source's own timing.")


class Timing(Schema):
    verdict: TimingVerdict = Field(
        description="fits, too_early, too_late, or unknown (no dates, or no window in days)."
    )
    days: int | None = Field(description="Days from the anchor date to the symptom's start.")
    anchor_date: date | None = Field(description="The date the days count from.")
    window: OnsetWindow | None = Field(description="The onset window the verdict used.")
    reason: str = Field(description="The verdict in words.")


class MedicationEcho(Schema):
    requested: str = Field(description="The name as given.")
    status: MedicationStatus = Field(description="Its status as given.")
    started_on: date | None = Field(description="As given.")
    changed_on: date | None = Field(description="As given.")


class Explanation(Schema):
    rank: int = Field(description="1 is the best explanation by the ranking rule.")
    drug: DrugRef = Field(description="The medication that could explain the symptom.")
    medication: MedicationEcho = Field(description="How it was listed.")
    context: Context = Field(description="side_effect or withdrawal (or overdose).")
    timing: Timing = Field(description="Whether the symptom's timing fits the onset window.")
    record: DrugEffectRecord = Field(
        description="The record: summary incidence and each source's values, onset, severity, "
        "accompanying symptoms, management, citations; `matched_via` when it is of a broader "
        "or narrower term."
    )
    why: list[str] = Field(description="The ranking rule's reasons, in order.")


class NotExplained(Schema):
    drug: DrugRef = Field(description="A listed drug with no record of the symptom.")
    requested: str = Field(description="The name as given.")
    note: str = Field(description="Absence of a record is not evidence of safety.")


class Factor(Schema):
    aspect: ProfileAspect = Field(description="What kind of factor (trigger, condition ...).")
    effect: EffectRef = Field(description="The condition whose record states it.")
    text: str = Field(description="The factor, in sidefx's words.")
    cites: list[Citation] = Field(description="Where it is stated.")


class CareAdvice(Schema):
    text: str = Field(description="When to see a doctor or get urgent help.")
    effect: EffectRef | None = Field(description="The condition whose record states it.")
    drug: DrugRef | None = Field(description="The drug whose red flag it is.")
    cites: list[Citation] = Field(description="Where it is stated.")


class ListedWarning(Schema):
    drug: DrugRef = Field(description="The listed drug the warning is about.")
    kind: WarningKind = Field(description="interaction, boxed_warning or discontinuation.")
    title: str = Field(description="Short title.")
    text: str = Field(description="The warning.")
    interacts_with: list[str] = Field(description="What the source names it interacts with.")
    involves: list[DrugRef] = Field(
        description="Other listed drugs the warning names (by drug or class)."
    )
    cites: list[Citation] = Field(description="Where it is stated.")


class FoundAs(Schema):
    """Which name of the effect the symptom's words are."""

    word: str = Field(description="The symptom as sent.")
    kind: str = Field(
        description="name (the effect's name or slug), meddra_term, or the alias kind: "
        "lower_level_term (a term as labels word it), lay_synonym (a layperson's word), "
        "synonym, abbreviation, misspelling."
    )
    source: str | None = Field(
        description="Which data the alias comes from: seed (curated), sider, hpo, meddra."
    )


class SymptomCheckResult(Schema):
    symptom: EffectRef = Field(description="The symptom as resolved.")
    symptom_found_as: FoundAs = Field(
        description="How the symptom's words found it: `ankle swelling` is a lay synonym "
        "(HPO) of Oedema peripheral, `muscle pain` a label's term for Myalgia."
    )
    explanations: list[Explanation] = Field(description="Ranked, best first.")
    not_explained_by: list[NotExplained] = Field(
        description="Listed drugs no source links to the symptom in any context."
    )
    other_factors: list[Factor] = Field(description="Causes besides drugs the records list.")
    seek_care: list[CareAdvice] = Field(description="Red flags and when to see a doctor.")
    warnings: list[ListedWarning] = Field(description="Warnings about the listed drugs.")
    ranking: str = Field(description="The ranking rule.")
    disclaimer: str = Field(description="Information, not a diagnosis or medical advice.")

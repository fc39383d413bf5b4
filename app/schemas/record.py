"""The drug-effect record: one drug x one effect x one context, the same shape in every
endpoint that serves one (a drug's effects, drug x effect, the contexts view, the reverse
lookup, compare cells, symptom-check explanations, FHIR, the export)."""

from pydantic import Field

from app.enums import Context, Flag, IncidenceBand, IncidenceBasis, OnsetAnchor, Severity, TermMatch
from app.schemas.common import (
    AnchorRef,
    Citation,
    CitedText,
    DrugRef,
    EffectRef,
    Schema,
    SourceRef,
)


class Measurement(Schema):
    """One row of an imported source's own values (a SIDER frequency row), unmerged."""

    source: SourceRef = Field(description="The source the row is from.")
    anchor: AnchorRef | None = Field(
        description="The file of the release the row is in (null only for rows loaded before "
        "anchors existed, until the source is imported again)."
    )
    text: str | None = Field(description="The source's own wording: `21%`, `1-3%`, `rare`.")
    low: float | None = Field(description="Lower bound as a fraction 0-1 (null for words).")
    high: float | None = Field(description="Upper bound as a fraction 0-1.")
    placebo: bool = Field(description="True for a placebo-arm row.")
    band: IncidenceBand = Field(description="The CIOMS band of this row alone.")
    label_term: str | None = Field(
        description="The term as the label words it (SIDER's label concept), which the "
        "record's preferred term stands for: `Muscle pain` under Myalgia; null where the "
        "source gives none."
    )


class FrequencyRange(Schema):
    low: float = Field(description="Lowest bound of the rows, fraction 0-1.")
    high: float = Field(description="Highest bound of the rows, fraction 0-1.")


class Incidence(Schema):
    """How often: a summary from the best evidence, and every source's own values beside it.

    Rule (best first): measured percentages or ranges from labels (the median of the record's
    active rows) > frequency words from labels (a band, never a number) > a curated document's
    wording (no band) > a label listing the effect without a frequency."""

    band: IncidenceBand = Field(
        description="CIOMS band of the summary: very_common >=10%, common 1-10%, uncommon "
        "0.1-1%, rare 0.01-0.1%, very_rare <0.01%, unknown: no frequency stated."
    )
    frequency: float | None = Field(
        description="Median of the measured active rows, fraction 0-1; null without numbers."
    )
    frequency_range: FrequencyRange | None = Field(
        description="Lowest and highest bound of the measured rows."
    )
    placebo_frequency: float | None = Field(
        description="Median of the placebo rows, 0-1; a placebo row with exactly the value of a "
        "drug row (a drug column the source also tagged placebo) is left out of it."
    )
    placebo_range: FrequencyRange | None = Field(
        description="Lowest and highest bound of those placebo rows."
    )
    excess_over_placebo: float | None = Field(
        description="frequency_range.high - placebo_range.high: the highest rate reported on "
        "the drug minus the highest on placebo, where both are measured. SIDER's rows are not "
        "paired by trial, and medians of unrelated rows hid real effects. At or below 0.005 "
        "(half a percentage point) the record is placebo level and listed below the others."
    )
    basis: IncidenceBasis = Field(description="Which rule produced the summary.")
    basis_source: SourceRef | None = Field(description="The source the summary comes from.")
    measured_rows: int = Field(description="Active rows with a number the median is taken over.")
    document: CitedText | None = Field(
        description="A curated document's own words on how often (documents give no numbers)."
    )
    measurements: list[Measurement] = Field(
        description="Every imported row for this record, placebo rows included."
    )


class Onset(Schema):
    """When it starts, as the source words it; the structure only where unambiguous."""

    text: str = Field(description="The source's timing, in sidefx's words.")
    relative_to: OnsetAnchor | None = Field(
        description="What the days count from: first_dose, dose_change or last_dose."
    )
    min_days: float | None = Field(description="Earliest onset, days after `relative_to`.")
    max_days: float | None = Field(description="Latest onset, days after `relative_to`.")
    peak_text: str | None = Field(description="When it peaks, in words (never turned into days).")
    cites: list[Citation] = Field(description="Where the timing is stated.")


class SeverityStatement(Schema):
    value: Severity | None = Field(
        description="mild, moderate, severe, life_threatening or variable; null where the "
        "source compares without giving a level (see note)."
    )
    note: str | None = Field(description="What the source says about severity.")
    cites: list[Citation] = Field(description="Where it is stated.")


class Symptom(Schema):
    effect: EffectRef = Field(description="The accompanying symptom.")
    cites: list[Citation] = Field(description="Where it is said to come with this effect.")


class MatchedVia(Schema):
    """How the record relates to the effect asked for (`exact` where none was asked for)."""

    kind: TermMatch = Field(
        description="exact: a record of the effect itself; broader_term: recorded under the "
        "MedDRA term the asked-for effect sits under; narrower_term: recorded under a narrower "
        "curated term."
    )
    effect: EffectRef = Field(description="The term the record is about.")


class FlagRead(Schema):
    kind: Flag = Field(description="Why the record is probably not an effect of the drug.")
    reason: str = Field(description="The rule that flagged it.")


class DrugEffectRecord(Schema):
    drug: DrugRef = Field(description="The drug.")
    effect: EffectRef = Field(description="The effect the record is about.")
    context: Context = Field(
        description="side_effect (during regular use), withdrawal (after stopping or lowering "
        "the dose) or overdose."
    )
    matched_via: MatchedVia = Field(
        description="How it answers the question: `{kind: exact}` for a record of the effect "
        "itself, else the broader or narrower term it answers through."
    )
    incidence: Incidence = Field(description="How often, from each source.")
    onset: Onset | None = Field(description="When it starts; null when no source says.")
    severity: SeverityStatement | None = Field(description="How bad; null when no source says.")
    accompanying_symptoms: list[Symptom] = Field(description="Symptoms said to come with it.")
    management: list[CitedText] = Field(description="What helps, in the source's order.")
    notes: list[CitedText] = Field(description="Anything else the sources say about it.")
    flag: FlagRead | None = Field(
        description="Set on imported records unlikely to be effects of the drug; they are left "
        "out unless `include_flagged=true`."
    )
    sources: list[SourceRef] = Field(description="Every source behind the record.")


class DrugEffectDetail(Schema):
    """One drug x effect, every context side by side."""

    drug: DrugRef = Field(description="The drug.")
    effect: EffectRef = Field(description="The effect asked for.")
    contexts: list[DrugEffectRecord] = Field(
        description="One record per context (side effect, withdrawal, overdose); records under "
        "a broader or narrower term carry `matched_via`."
    )

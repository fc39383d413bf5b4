"""Does a symptom's start fit a record's onset window? Pure arithmetic on dates, no SQL.

The window is the source's own (`onset.relative_to`, `min_days`, `max_days`); the anchor date
is the medication's: first_dose -> started_on; last_dose and dose_change -> changed_on (the
stop, or the dose cut: lowering a dose starts withdrawal the way stopping does). A window
with no days still orders events ("any time after starting"). No dates, or no window at all:
`unknown`, never a guess.
"""

from datetime import date

from app.enums import MedicationStatus, OnsetAnchor, TimingVerdict
from app.schemas.record import Onset
from app.schemas.symptom import Medication, OnsetWindow, Timing

ANCHOR_WORDS = {
    OnsetAnchor.first_dose: "the first dose",
    OnsetAnchor.last_dose: "the last dose",
    OnsetAnchor.dose_change: "the dose change",
}


def anchor_date(medication: Medication, anchor: OnsetAnchor) -> date | None:
    if anchor is OnsetAnchor.first_dose:
        return medication.started_on
    if medication.status is MedicationStatus.taking:
        return None
    return medication.changed_on


def timing(onset: Onset | None, medication: Medication, symptom_on: date | None) -> Timing:
    started = medication.started_on
    if symptom_on is not None and started is not None and symptom_on < started:
        # Before the first dose nothing of the drug can explain it, whatever the window.
        return Timing(
            verdict=TimingVerdict.too_early,
            days=(symptom_on - started).days,
            anchor_date=started,
            window=_window(onset),
            reason="it began before the drug was started",
        )
    if onset is None or onset.relative_to is None:
        return _unknown(onset, "the sources give no onset window in days for this record")
    window = _window(onset)
    start = anchor_date(medication, onset.relative_to)
    words = ANCHOR_WORDS[onset.relative_to]
    if start is None or symptom_on is None:
        missing = "when the symptom began" if symptom_on is None else f"the date of {words}"
        return Timing(
            verdict=TimingVerdict.unknown,
            days=None,
            anchor_date=start,
            window=window,
            reason=f"unknown: {missing} was not given",
        )
    days = (symptom_on - start).days
    verdict, reason = _judge(days, onset, words)
    return Timing(verdict=verdict, days=days, anchor_date=start, window=window, reason=reason)


def after_stop(fit: Timing, medication: Medication, began: date | None) -> Timing:
    """A side effect of a drug no longer taken: a symptom that began after the stop is late."""
    stopped = medication.changed_on
    if medication.status is not MedicationStatus.stopped or began is None or stopped is None:
        return fit
    if began <= stopped:
        return fit
    days = (began - stopped).days
    reason = f"it began {days} days after the drug was stopped, when it was no longer taken"
    return Timing(
        verdict=TimingVerdict.too_late, days=days, anchor_date=stopped, window=fit.window,
        reason=reason,
    )  # fmt: skip


def _judge(days: int, onset: Onset, words: str) -> tuple[TimingVerdict, str]:
    began = f"it began {days} days after {words}" if days >= 0 else f"it began before {words}"
    if days < 0:
        return TimingVerdict.too_early, began
    if onset.min_days is not None and days < onset.min_days:
        return TimingVerdict.too_early, f"{began}; the window opens at day {onset.min_days:g}"
    if onset.max_days is not None and days > onset.max_days:
        return TimingVerdict.too_late, f"{began}; onset is expected by day {onset.max_days:g}"
    span = ""
    if onset.max_days is not None:
        low = onset.min_days if onset.min_days is not None else 0
        span = f", inside the window of day {low:g} to {onset.max_days:g}"
    return TimingVerdict.fits, f"{began}{span}"


def _window(onset: Onset | None) -> OnsetWindow | None:
    if onset is None:
        return None
    return OnsetWindow(
        relative_to=onset.relative_to,
        min_days=onset.min_days,
        max_days=onset.max_days,
        text=onset.text,
    )


def _unknown(onset: Onset | None, reason: str) -> Timing:
    window = None
    if onset is not None:
        window = OnsetWindow(relative_to=None, min_days=None, max_days=None, text=onset.text)
    return Timing(
        verdict=TimingVerdict.unknown,
        days=None,
        anchor_date=None,
        window=window,
        reason=f"unknown: {reason}",
    )

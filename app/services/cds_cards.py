"""CDS Hooks cards from sidefx answers: a summary under 140 characters, the detail in GitHub
Flavored Markdown (data text escaped, so a source's `*` or `<` stays text), the citing source
as `source`, the sidefx record as a link, and the medical disclaimer on every card."""

import re
import uuid
from collections.abc import Iterable

from app.enums import Context, Severity, TimingVerdict
from app.schemas.cds_hooks import SUMMARY_LIMIT, Card, Link, Source
from app.schemas.common import DISCLAIMER, Citation, CitedText
from app.schemas.drug import WarningRead
from app.schemas.record import DrugEffectRecord
from app.schemas.symptom import Explanation

SIDEFX = "sidefx"
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~])")  # what could format, link or tag
TAPER = re.compile(r"\btaper", re.IGNORECASE)


def md(text: str) -> str:
    """Data text as Markdown text: every character that could format is escaped."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def summary(text: str) -> str:
    return text if len(text) < SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 2].rstrip() + "…"


def explanation_card(explanation: Explanation, finding: str, base: str) -> Card:
    """One likely explanation of a finding, in the symptom check's words and order."""
    record, timing = explanation.record, explanation.timing
    withdrawal = explanation.context is Context.withdrawal
    how = "withdrawal from" if withdrawal else "a side effect of"
    when = f": began {timing.days} days after the {_anchor(explanation)}" if timing.days else ""
    lines = [
        f"**{md(finding)}** could be {how} **{md(record.drug.name)}** "
        f"(rank {explanation.rank} of the symptom check for this finding).",
        "",
        f"- **Timing**: {md(timing.reason)}.",
        *_record_lines(record),
        *(f"- {md(reason)}" for reason in explanation.why[1:3]),  # context, match
    ]
    return Card(
        uuid=str(uuid.uuid4()),
        summary=summary(f"{finding} may be {how} {record.drug.name}{when}"),
        detail=_detail(lines, _record_cites(record)),
        indicator=_indicator(record, timing.verdict is TimingVerdict.fits),
        source=_source(record, base),
        links=[_record_link(record, base)],
    )


def withdrawal_card(
    drug: str, slug: str, records: list[DrugEffectRecord], warnings: list[WarningRead], base: str
) -> Card:
    """A draft discontinuation: what to expect and when, and a taper where a source says so."""
    taper = [w for w in warnings if TAPER.search(f"{w.title} {w.text}")] + [
        step for r in records for step in r.management if TAPER.search(step.text)
    ]
    lines = [f"Stopping **{md(drug)}**: the sources describe these withdrawal effects.", ""]
    for record in records:
        onset = f" — {md(record.onset.text)}" if record.onset else ""
        peak = f"; {md(record.onset.peak_text)}" if record.onset and record.onset.peak_text else ""
        lines.append(f"- **{md(record.effect.name)}**{onset}{peak}")
    if taper:
        lines += ["", "**A taper is advised** by the sources:"]
        lines += [f"- {md(_text(t))}" for t in taper]
    others = [w for w in warnings if w not in taper]
    if others:
        lines += ["", "**On stopping**:"]
        lines += [f"- **{md(w.title)}**: {md(w.text)}" for w in others]
    cites = [c for r in records for c in _record_cites(r)] + [c for w in warnings for c in w.cites]
    severe = any(r.severity and r.severity.value is Severity.life_threatening for r in records)
    advice = "; a taper is advised" if taper else ""
    return Card(
        uuid=str(uuid.uuid4()),
        summary=summary(f"Stopping {drug}: withdrawal effects are described{advice}"),
        detail=_detail(lines, cites),
        indicator="critical" if severe else "warning",
        source=_source(records[0], base) if records else _sidefx(base),
        links=[
            Link(
                label=f"{SIDEFX}: {drug} withdrawal effects",
                url=f"{base}/v1/drugs/{slug}/effects?context=withdrawal",
            )
        ],
    )


def notice_card(title: str, items: Iterable[str], base: str) -> Card:
    """What could not be assessed (unresolved codes, undated findings ...), as information."""
    listed = list(dict.fromkeys(items))
    lines = [f"- {md(item)}" for item in listed[:30]]
    if len(listed) > 30:
        lines.append(f"- … and {len(listed) - 30} more")
    return Card(
        uuid=str(uuid.uuid4()),
        summary=summary(title),
        detail=_detail(lines, []),
        indicator="info",
        source=_sidefx(base),
    )


def _record_lines(record: DrugEffectRecord) -> list[str]:
    incidence = record.incidence
    how_often = incidence.band.value.replace("_", " ")
    if incidence.document is not None:
        how_often += f' ("{md(incidence.document.text)}")'
    lines = [f"- **How often**: {how_often}"]
    if record.onset is not None:
        peak = f"; {md(record.onset.peak_text)}" if record.onset.peak_text else ""
        lines.append(f"- **Onset**: {md(record.onset.text)}{peak}")
    if record.severity is not None and record.severity.value is not None:
        note = f" ({md(record.severity.note)})" if record.severity.note else ""
        lines.append(f"- **Severity**: {record.severity.value.value.replace('_', ' ')}{note}")
    if record.management:
        lines.append("- **What helps**: " + "; ".join(md(m.text) for m in record.management))
    if record.flag is not None:
        lines.append(f"- **Flagged**: {md(record.flag.reason)}")
    return lines


def _record_cites(record: DrugEffectRecord) -> list[Citation]:
    inc, onset, sev = record.incidence, record.onset, record.severity
    return [
        *(inc.document.cites if inc.document else []),
        *(onset.cites if onset else []),
        *(sev.cites if sev else []),
        *(c for m in record.management for c in m.cites),
    ]


def _detail(lines: list[str], cites: list[Citation]) -> str:
    distinct = {(c.source.slug, c.anchor.key): c for c in cites}.values()
    sources = [f"{i}. {md(c.source.title)} — {md(c.anchor.label)}" for i, c in
               enumerate(distinct, start=1)]  # fmt: skip
    parts = ["\n".join(lines)]
    if sources:
        parts.append("**Sources**\n\n" + "\n".join(sources))
    parts.append(f"_{md(DISCLAIMER)}_")
    return "\n\n".join(parts)


def _indicator(record: DrugEffectRecord, fits: bool) -> str:
    if record.severity is not None and record.severity.value is Severity.life_threatening:
        return "critical"
    return "warning" if fits else "info"


def _source(record: DrugEffectRecord, base: str) -> Source:
    first = record.incidence.basis_source or (record.sources[0] if record.sources else None)
    if first is None:
        return _sidefx(base)
    return Source(label=summary(first.title), url=f"{base}/v1/sources/{first.slug}")


def _sidefx(base: str) -> Source:
    return Source(label="sidefx: drug side effects in context", url=f"{base}/v1/meta")


def _record_link(record: DrugEffectRecord, base: str) -> Link:
    return Link(
        label=f"{SIDEFX}: {record.drug.name} x {record.effect.name}",
        url=f"{base}/v1/drugs/{record.drug.slug}/effects/{record.effect.slug}",
    )


def _anchor(explanation: Explanation) -> str:
    window = explanation.timing.window
    anchor = window.relative_to.value if window and window.relative_to else None
    return {"first_dose": "first dose", "dose_change": "dose change", "last_dose": "last dose"}.get(
        anchor or "", "start" if explanation.medication.changed_on is None else "change"
    )


def _text(statement: WarningRead | CitedText) -> str:
    if isinstance(statement, WarningRead):
        return f"{statement.title}: {statement.text}"
    return statement.text

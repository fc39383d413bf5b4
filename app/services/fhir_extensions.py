"""The extensions of sidefx's FHIR resources (StructureDefinitions served under /fhir).

`base` is the FHIR base URL (settings.fhir_base_url): every canonical URL is under it, and the
server answers each (app/services/fhir_conformance.py)."""

from typing import Any

from app.schemas.common import Citation
from app.schemas.record import DrugEffectRecord

# Each extension sidefx defines: name -> (what it is, the resources it sits on).
EXTENSIONS = {
    "context": ("When the effect happens: side_effect, withdrawal, overdose.", "undesirable"),
    "incidence": ("How often: the summary band and what it rests on.", "undesirable"),
    "onset": ("When it starts, relative to a dose event.", "undesirable"),
    "severity": ("How bad, in the sources' words.", "undesirable"),
    "management": ("One step of what helps, in the sources' order.", "undesirable"),
    "flag": ("Why the record is probably not an effect of the drug.", "undesirable"),
    "citation": ("A source and the place in it that backs the resource.", "any"),
}


def url(base: str, name: str) -> str:
    return f"{base}/StructureDefinition/{name}"


def citations(base: str, cites: list[Citation]) -> list[dict[str, Any]]:
    """One `citation` extension per distinct source and anchor."""
    distinct = {(c.source.slug, c.anchor.key): c for c in cites}.values()
    return [
        {
            "url": url(base, "citation"),
            "extension": [
                {"url": "source", "valueString": c.source.slug},
                {"url": "title", "valueString": c.source.title},
                {"url": "anchor", "valueString": c.anchor.key},
                {"url": "label", "valueString": c.anchor.label},
            ],
        }
        for c in distinct
    ]


def undesirable(base: str, r: DrugEffectRecord) -> list[dict[str, Any]]:
    """A record's extensions: context, incidence, onset, severity, management, flag, citations."""
    inc = r.incidence
    parts = (
        {"url": "band", "valueCode": inc.band.value},
        {"url": "basis", "valueCode": inc.basis.value},
        inc.basis_source and {"url": "basis-source", "valueString": inc.basis_source.slug},
        inc.frequency is not None and {"url": "frequency", "valueDecimal": inc.frequency},
        inc.frequency_range and {"url": "frequency-low", "valueDecimal": inc.frequency_range.low},
        inc.frequency_range and {"url": "frequency-high", "valueDecimal": inc.frequency_range.high},
        inc.placebo_frequency is not None
        and {"url": "placebo", "valueDecimal": inc.placebo_frequency},
        inc.document and {"url": "wording", "valueString": inc.document.text},
    )
    out: list[dict[str, Any]] = [
        {"url": url(base, "context"), "valueCode": r.context.value},
        {"url": url(base, "incidence"), "extension": [p for p in parts if p]},
    ]
    if r.onset is not None:
        onset: list[dict[str, Any]] = [{"url": "text", "valueString": r.onset.text}]
        if r.onset.relative_to is not None:
            onset.append({"url": "relative-to", "valueCode": r.onset.relative_to.value})
        for key, value in (("min-days", r.onset.min_days), ("max-days", r.onset.max_days)):
            if value is not None:
                onset.append({"url": key, "valueDecimal": value})
        if r.onset.peak_text:
            onset.append({"url": "peak", "valueString": r.onset.peak_text})
        out.append({"url": url(base, "onset"), "extension": onset})
    if r.severity is not None:
        severity = [{"url": "note", "valueString": r.severity.note}] if r.severity.note else []
        if r.severity.value is not None:
            severity.append({"url": "value", "valueCode": r.severity.value.value})
        out.append({"url": url(base, "severity"), "extension": severity})
    out += [{"url": url(base, "management"), "valueString": m.text} for m in r.management]
    if r.flag is not None:
        out.append({"url": url(base, "flag"), "valueCode": r.flag.kind.value})
    cites = [c for part in (r.incidence.document, r.onset, r.severity) if part for c in part.cites]
    cites += [c for m in [*r.management, *r.notes] for c in m.cites]
    cites += [c for s in r.accompanying_symptoms for c in s.cites]
    # Imported sources' rows cite their file (the values are in the `incidence` extension).
    cites += [
        Citation(source=m.source, anchor=m.anchor)
        for m in r.incidence.measurements
        if m.anchor is not None
    ]
    return out + citations(base, cites)

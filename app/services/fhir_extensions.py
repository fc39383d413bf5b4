"""The extensions of sidefx's FHIR resources (StructureDefinitions served under /fhir).

`base` is the FHIR base URL (settings.fhir_base_url): every canonical URL is under it, and the
server answers each (app/services/fhir_conformance.py)."""

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from app.schemas.common import Citation

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


@lru_cache(maxsize=64)
def url(base: str, name: str) -> str:
    return f"{base}/StructureDefinition/{name}"


def citations(base: str, cites: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One `citation` extension per distinct source and anchor (CITES as JSON writes them:
    {"source": {"slug", "title"}, "anchor": {"key", "kind", "label"}})."""
    distinct = {(c["source"]["slug"], c["anchor"]["key"]): c for c in cites}.values()
    return [
        _citation(base, c["source"]["slug"], c["source"]["title"], c["anchor"]["key"],
                  c["anchor"]["label"])
        for c in distinct
    ]  # fmt: skip


@lru_cache(maxsize=4096)
def _citation(base: str, slug: str, title: str, key: str, label: str) -> dict[str, Any]:
    # Shared by every resource citing the place (a drug's records cite a few files hundreds
    # of times); resources are written, never changed, once built.
    return {
        "url": url(base, "citation"),
        "extension": [
            {"url": "source", "valueString": slug},
            {"url": "title", "valueString": title},
            {"url": "anchor", "valueString": key},
            {"url": "label", "valueString": label},
        ],
    }


def cites_data(cites: Iterable[Citation]) -> list[dict[str, Any]]:
    """Citation models (cites_of, a drug's detail) as the plain data `citations` takes."""
    return [c.model_dump(mode="json") for c in cites]


def undesirable(base: str, r: dict[str, Any]) -> list[dict[str, Any]]:
    """A record's extensions (R: the record as stored JSON): context, incidence, onset,
    severity, management, flag, citations."""
    inc = r["incidence"]
    frequency_range, document = inc["frequency_range"], inc["document"]
    parts = (
        {"url": "band", "valueCode": inc["band"]},
        {"url": "basis", "valueCode": inc["basis"]},
        inc["basis_source"] and {"url": "basis-source", "valueString": inc["basis_source"]["slug"]},
        inc["frequency"] is not None and {"url": "frequency", "valueDecimal": inc["frequency"]},
        frequency_range and {"url": "frequency-low", "valueDecimal": frequency_range["low"]},
        frequency_range and {"url": "frequency-high", "valueDecimal": frequency_range["high"]},
        inc["placebo_frequency"] is not None
        and {"url": "placebo", "valueDecimal": inc["placebo_frequency"]},
        document and {"url": "wording", "valueString": document["text"]},
    )
    out: list[dict[str, Any]] = [
        {"url": url(base, "context"), "valueCode": r["context"]},
        {"url": url(base, "incidence"), "extension": [p for p in parts if p]},
    ]
    onset, severity = r["onset"], r["severity"]
    if onset is not None:
        timing: list[dict[str, Any]] = [{"url": "text", "valueString": onset["text"]}]
        if onset["relative_to"] is not None:
            timing.append({"url": "relative-to", "valueCode": onset["relative_to"]})
        for key, value in (("min-days", onset["min_days"]), ("max-days", onset["max_days"])):
            if value is not None:
                timing.append({"url": key, "valueDecimal": value})
        if onset["peak_text"]:
            timing.append({"url": "peak", "valueString": onset["peak_text"]})
        out.append({"url": url(base, "onset"), "extension": timing})
    if severity is not None:
        how_bad = [{"url": "note", "valueString": severity["note"]}] if severity["note"] else []
        if severity["value"] is not None:
            how_bad.append({"url": "value", "valueCode": severity["value"]})
        out.append({"url": url(base, "severity"), "extension": how_bad})
    out += [{"url": url(base, "management"), "valueString": m["text"]} for m in r["management"]]
    if r["flag"] is not None:
        out.append({"url": url(base, "flag"), "valueCode": r["flag"]["kind"]})
    cites = [c for part in (document, onset, severity) if part for c in part["cites"]]
    cites += [c for m in [*r["management"], *r["notes"]] for c in m["cites"]]
    cites += [c for s in r["accompanying_symptoms"] for c in s["cites"]]
    # Imported sources' rows cite their file (the values are in the `incidence` extension).
    cites += [m for m in inc["measurements"] if m["anchor"] is not None]
    return out + citations(base, cites)

"""From an EHR's coded (or free-text) concept to a sidefx drug or effect.

Codes first, through the code lookup (`/v1/lookup`'s service: RxNorm and ATC, curated and
from `sidefx import rxnorm|atc`; UMLS and MedDRA for effects); then each coding's display and
the concept's text through the name rules (services/names/resolve.py), a product name also by the
words before its strength (`Clonazepam 0.5 MG Oral Tablet` -> clonazepam) and by a brand in
brackets (`[Klonopin]`). SNOMED CT has no table here: its codings resolve by their display.
A concept that resolves to nothing is None, and the caller says so.
"""

import re
from collections.abc import Callable, Iterator

from sqlalchemy.orm import Session

from app.name_keys import MAX_NAME_LENGTH
from app.problems.exceptions import AppError, InvalidParameter, UnknownDrug, UnknownEffect
from app.services.cds_fhir import Concept
from app.services.lookup import CodeSystem, lookup
from app.services.names.resolve import Ref, resolve_drug, resolve_effect

# FHIR code system URIs -> the lookup's systems (drugs, effects).
DRUG_SYSTEMS = {
    "http://www.nlm.nih.gov/research/umls/rxnorm": CodeSystem.rxnorm,
    "http://www.whocc.no/atc": CodeSystem.atc,
    "http://pubchem.ncbi.nlm.nih.gov": CodeSystem.pubchem,
}
EFFECT_SYSTEMS = {
    "http://www.nlm.nih.gov/research/umls": CodeSystem.umls,
    "https://www.nlm.nih.gov/research/umls": CodeSystem.umls,
    "http://terminology.hl7.org/CodeSystem/mdr": CodeSystem.meddra,
    "https://www.meddra.org": CodeSystem.meddra,
}
_STRENGTH = re.compile(r"^(.*?[A-Za-z)])\s+\d")
_BRACKET = re.compile(r"\[([^\]]{1,100})\]")


def resolve_medication(session: Session, concept: Concept) -> Ref | None:
    return _resolve(session, concept, DRUG_SYSTEMS, resolve_drug, UnknownDrug)


def resolve_finding(session: Session, concept: Concept) -> Ref | None:
    return _resolve(session, concept, EFFECT_SYSTEMS, resolve_effect, UnknownEffect)


def _resolve(
    session: Session,
    concept: Concept,
    systems: dict[str, CodeSystem],
    by_name: Callable[[Session, str], Ref],
    unknown: type[AppError],
) -> Ref | None:
    for system, code, _ in concept.codings:
        known = systems.get(system.rstrip("/"))
        if known is None:
            continue
        try:
            page = lookup(session, known, code, limit=2, offset=0)
        except (unknown, InvalidParameter):
            continue
        if page.total == 1:  # a code two records share names neither
            return by_name(session, page.items[0].slug)
    for name in _names(concept):
        try:
            return by_name(session, name)
        except unknown:
            continue
    return None


def _names(concept: Concept) -> Iterator[str]:
    seen: set[str] = set()
    texts = [concept.text, *(display for _, _, display in concept.codings)]
    for text in texts:
        if not text:
            continue
        for name in (text, *_BRACKET.findall(text), *_STRENGTH.findall(text)):
            name = name.strip()[:MAX_NAME_LENGTH]
            if name and name.lower() not in seen and name.isprintable():
                seen.add(name.lower())
                yield name

"""What every FHIR builder shares: code systems, resource ids, profiles, codings, and the one
way a resource becomes bytes.

Resources are plain data, written with orjson: fhir.resources validating and re-writing every
resource was ~87% of a Bundle's time (aripiprazole's 734 records: 2.9 s). The builders write
no null (an absent element is left out, as FHIR wants); tests hold every kind of resource to
what fhir.resources writes for it (tests/api/test_fhir_plain_data.py)."""

import hashlib
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import orjson

SYSTEMS = {
    "atc": "http://www.whocc.no/atc",
    "rxnorm": "http://www.nlm.nih.gov/research/umls/rxnorm",
    "pubchem": "http://pubchem.ncbi.nlm.nih.gov/compound",
    "umls": "http://www.nlm.nih.gov/research/umls",
    "meddra": "http://terminology.hl7.org/CodeSystem/mdr",
}
# ClinicalUseDefinition.type (R5, required binding); fhir.resources does not check it.
CLINICAL_USE_TYPES = frozenset(
    {"indication", "contraindication", "interaction", "undesirable-effect", "warning"}
)
# Each kind of clinical use sidefx serves: its id prefix (`ue-<record id>` ...).
PREFIXES = {"ue": "undesirable-effect", "in": "indication", "wa": "warning"}
PROFILES = {
    "MedicationKnowledge": "sidefx-medication-knowledge",
    "MedicinalProductDefinition": "sidefx-product",
    "ClinicalUseDefinition": "sidefx-clinical-use",
}
MAX_ID = 64  # FHIR ids: [A-Za-z0-9-.]{1,64}
Resource = Callable[[], dict[str, Any]]
"""A resource read from the database, built when called (outside the database call)."""


def drug_id(slug: str) -> str:
    """A drug's resource id: its slug, or for a slug over 64 characters a prefix and a hash."""
    if len(slug) <= MAX_ID:
        return slug
    return f"{slug[:55]}-{hashlib.sha256(slug.encode()).hexdigest()[:8]}"


@lru_cache(maxsize=64)
def meta(base: str, kind: str) -> dict[str, Any]:
    # Shared by every resource of the kind: resources are written, never changed, once built.
    return {"profile": [f"{base}/StructureDefinition/{PROFILES[kind]}"]}


def coding(system: str, code: str, display: str | None) -> dict[str, Any]:
    return present(system=SYSTEMS[system], code=code, display=display)


def present(**elements: Any) -> dict[str, Any]:
    """ELEMENTS without the absent ones (None, or an empty list: FHIR has no empty arrays)."""
    return {k: v for k, v in elements.items() if v is not None and v != []}


def ready(resource: dict[str, Any]) -> dict[str, Any]:
    """A resource built already (partial(ready, it) is a Resource)."""
    return resource


def to_json(resource: dict[str, Any]) -> bytes:
    return orjson.dumps(resource)


def full_url(base: str, resource: dict[str, Any]) -> str:
    return f"{base}/{resource['resourceType']}/{resource['id']}"

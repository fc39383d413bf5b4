"""What every FHIR builder shares: code systems, resource ids, profiles, codings."""

import hashlib
from typing import Any

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


def drug_id(slug: str) -> str:
    """A drug's resource id: its slug, or for a slug over 64 characters a prefix and a hash."""
    if len(slug) <= MAX_ID:
        return slug
    return f"{slug[:55]}-{hashlib.sha256(slug.encode()).hexdigest()[:8]}"


def meta(base: str, kind: str) -> dict[str, Any]:
    return {"profile": [f"{base}/StructureDefinition/{PROFILES[kind]}"]}


def coding(system: str, code: str, display: str | None) -> dict[str, Any]:
    return {"system": SYSTEMS[system], "code": code, "display": display}


def full_url(base: str, resource: dict[str, Any]) -> str:
    return f"{base}/{resource['resourceType']}/{resource['id']}"

"""A drug as one FHIR R5 Bundle (/v1/drugs/{drug}/fhir, type collection): its
MedicationKnowledge, MedicinalProductDefinition and ClinicalUseDefinitions, built by the same
builders as the REST API under /fhir (docs/fhir.md), as plain data (fhir_common). `base` is
the FHIR base URL (settings.fhir_base_url) every full URL and canonical URL is under.

The database call reads (`drug_bundle`); the route builds the Bundle (`bundle_json`) after
it, outside the database deadline: a 503 means the database, never CPU work.
"""

from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import DrugEffect
from app.services.fhir_clinical_use import clinical_uses
from app.services.fhir_common import Resource, full_url, ready, to_json
from app.services.fhir_medication import clinical_use_ids, drug_resources
from app.services.names.resolve import resolve_drug


def drug_bundle(session: Session, name: str, *, include_flagged: bool, base: str) -> list[Resource]:
    """The drug's resources, in Bundle order (/v1/drugs/{drug}/fhir), read."""
    ref = resolve_drug(session, name)
    uses = clinical_use_ids(session, [ref.id])
    resources = drug_resources(session, base, [ref.id], uses)[0]
    ids = list(uses[ref.id])
    if include_flagged:
        flagged = session.scalars(
            select(DrugEffect.id)
            .where(DrugEffect.drug_id == ref.id, DrugEffect.flag.isnot(None))
            .order_by(DrugEffect.list_rank)
        )
        ids += [f"ue-{i}" for i in flagged]
    return [partial(ready, r) for r in resources] + clinical_uses(session, base, ids)


def bundle_json(base: str, resources: list[Resource]) -> bytes:
    """RESOURCES built, as a Bundle of type collection."""
    built = [build() for build in resources]
    entries = [{"fullUrl": full_url(base, r), "resource": r} for r in built]
    return to_json({"resourceType": "Bundle", "type": "collection", "entry": entries})

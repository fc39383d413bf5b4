"""A drug as one FHIR R5 Bundle (/v1/drugs/{drug}/fhir, type collection): its
MedicationKnowledge, MedicinalProductDefinition and ClinicalUseDefinitions, built by the same
builders as the REST API under /fhir (docs/fhir.md) and validated by fhir.resources. `base` is
the FHIR base URL (settings.fhir_base_url) every full URL and canonical URL is under.
"""

from fhir.resources.bundle import Bundle
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import DrugEffect
from app.services.fhir_clinical_use import clinical_uses
from app.services.fhir_common import full_url
from app.services.fhir_medication import clinical_use_ids, drug_resources
from app.services.names import resolve_drug


def drug_bundle(session: Session, name: str, *, include_flagged: bool, base: str) -> bytes:
    """The drug as a Bundle of type collection (/v1/drugs/{drug}/fhir)."""
    ref = resolve_drug(session, name)
    resources = drug_resources(session, base, [ref.id])[0]
    ids = clinical_use_ids(session, [ref.id])[ref.id]
    if include_flagged:
        flagged = session.scalars(
            select(DrugEffect.id)
            .where(DrugEffect.drug_id == ref.id, DrugEffect.flag.isnot(None))
            .order_by(DrugEffect.list_rank)
        )
        ids += [f"ue-{i}" for i in flagged]
    resources += clinical_uses(session, base, ids)
    entries = [{"fullUrl": full_url(base, r), "resource": r} for r in resources]
    bundle = Bundle.model_validate(
        {"resourceType": "Bundle", "type": "collection", "entry": entries}
    )
    return bundle.model_dump_json(exclude_none=True).encode()

"""What the FHIR REST API says about itself, all under its base URL (so every canonical URL
resolves): the CapabilityStatement (/fhir/metadata), sidefx's CodeSystems, the
StructureDefinitions of its extensions and profiles, and its SearchParameter `context`."""

from datetime import date
from typing import Any

from fhir.resources import get_fhir_model_class
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import Context, IncidenceBand, WarningKind
from app.models import DrugClass
from app.services.fhir_common import PROFILES
from app.services.fhir_extensions import EXTENSIONS
from app.services.fhir_search import SEARCH_PARAMETERS
from app.services.meta import API_VERSION

HL7 = "http://hl7.org/fhir"
RELEASED = date(2026, 12, 9).isoformat()  # when this statement last changed
# R5's own parameters sidefx supports: (resource, name) -> type (defined at HL7's canonical).
STANDARD_PARAMETERS = {
    ("MedicationKnowledge", "code"): "token",
    ("ClinicalUseDefinition", "subject"): "reference",
    ("ClinicalUseDefinition", "product"): "reference",
    ("ClinicalUseDefinition", "type"): "token",
    ("ClinicalUseDefinition", "effect"): "token",
    ("ClinicalUseDefinition", "indication"): "token",
}
CODE_SYSTEMS: dict[str, tuple[str, list[Any] | None]] = {
    "context": ("When an effect happens relative to taking the drug.", list(Context)),
    "incidence-band": ("CIOMS frequency bands; unknown: no frequency stated.", list(IncidenceBand)),
    "warning-kind": ("Kinds of warnings about a drug.", list(WarningKind)),
    "drug-class": ("Groups of drugs the sources name (sidefx slugs).", None),
}
CONTEXT_PARAMETER = "ClinicalUseDefinition-context"


def capability_statement(base: str) -> bytes:
    resources = []
    for kind in ("MedicationKnowledge", "MedicinalProductDefinition", "ClinicalUseDefinition"):
        params = [_search_param(base, kind, name) for name in SEARCH_PARAMETERS.get(kind, ())]
        resources.append(
            {
                "type": kind,
                "profile": f"{base}/StructureDefinition/{PROFILES[kind]}",
                "interaction": [{"code": "read"}] + ([{"code": "search-type"}] if params else []),
                "searchParam": params or None,
            }
        )
    resources += [
        {"type": kind, "interaction": [{"code": "read"}]}
        for kind in ("CodeSystem", "StructureDefinition", "SearchParameter")
    ]
    return _validated(
        {
            "resourceType": "CapabilityStatement",
            "url": f"{base}/metadata",
            "name": "SidefxFhirServer",
            "title": "sidefx FHIR R5 API (read-only)",
            "status": "active",
            "date": RELEASED,
            "publisher": "sidefx",
            "description": "Drug side effects in context (during use, after stopping), with "
            "sources, as MedicationKnowledge and ClinicalUseDefinition. Information, not "
            "medical advice.",
            "kind": "instance",
            "software": {"name": "sidefx", "version": API_VERSION},
            "implementation": {"description": "sidefx", "url": base},
            "fhirVersion": "5.0.0",
            "format": ["json"],
            "rest": [{"mode": "server", "resource": resources}],
        }
    )


def _search_param(base: str, kind: str, name: str) -> dict[str, Any]:
    if name == "_id":
        return {"name": name, "type": "token",
                "definition": f"{HL7}/SearchParameter/Resource-id"}  # fmt: skip
    if name == "context":
        definition = f"{base}/SearchParameter/{CONTEXT_PARAMETER}"
        return {"name": name, "type": "token", "definition": definition,
                "documentation": "side_effect, withdrawal or overdose"}  # fmt: skip
    definition = f"{HL7}/SearchParameter/{kind}-{name}"
    return {"name": name, "type": STANDARD_PARAMETERS[kind, name], "definition": definition}


def search_parameter(base: str, name: str) -> bytes | None:
    if name != CONTEXT_PARAMETER:
        return None
    return _validated(
        {
            "resourceType": "SearchParameter",
            "id": CONTEXT_PARAMETER,
            "url": f"{base}/SearchParameter/{CONTEXT_PARAMETER}",
            "name": "context",
            "status": "active",
            "description": "When the undesirable effect happens: side_effect (during use), "
            "withdrawal (after stopping or lowering the dose) or overdose.",
            "code": "context",
            "base": ["ClinicalUseDefinition"],
            "type": "token",
            "expression": f"ClinicalUseDefinition.extension('{base}/StructureDefinition/"
            "context').value",
            "processingMode": "normal",
        }
    )


def code_system(session: Session, base: str, name: str) -> bytes | None:
    if name not in CODE_SYSTEMS:
        return None
    description, members = CODE_SYSTEMS[name]
    if members is None:
        concepts = [{"code": s, "display": n} for s, n in session.execute(
            select(DrugClass.slug, DrugClass.name).order_by(DrugClass.slug))]  # fmt: skip
    else:
        concepts = [{"code": m.value, "display": m.value.replace("_", " ")} for m in members]
    return _validated(
        {
            "resourceType": "CodeSystem",
            "id": name,
            "url": f"{base}/CodeSystem/{name}",
            "name": "".join(p.title() for p in name.split("-")),
            "status": "active",
            "description": description,
            "content": "complete",
            "caseSensitive": True,
            "concept": concepts or None,
        }
    )


def structure_definition(base: str, name: str) -> bytes | None:
    url = f"{base}/StructureDefinition/{name}"
    common = {"resourceType": "StructureDefinition", "id": name, "url": url,
              "status": "active", "abstract": False, "derivation": "constraint"}  # fmt: skip
    if name in EXTENSIONS:
        description, on = EXTENSIONS[name]
        where = "ClinicalUseDefinition" if on == "undesirable" else "Resource"
        return _validated(
            common
            | {
                "name": "".join(p.title() for p in name.split("-")),
                "description": description,
                "kind": "complex-type",
                "type": "Extension",
                "context": [{"type": "element", "expression": where}],
                "baseDefinition": f"{HL7}/StructureDefinition/Extension",
                "differential": {"element": [
                    {"id": "Extension", "path": "Extension", "short": description},
                    {"id": "Extension.url", "path": "Extension.url", "fixedUri": url},
                ]},
            }
        )  # fmt: skip
    kind = next((k for k, profile in PROFILES.items() if profile == name), None)
    if kind is None:
        return None
    return _validated(
        common
        | {
            "name": "".join(p.title() for p in name.split("-")),
            "description": f"sidefx's {kind}: see docs/fhir.md.",
            "kind": "resource",
            "type": kind,
            "baseDefinition": f"{HL7}/StructureDefinition/{kind}",
            "differential": {"element": [{"id": kind, "path": kind, "short": f"sidefx {kind}"}]},
        }
    )


def _validated(resource: dict[str, Any]) -> bytes:
    model = get_fhir_model_class(resource["resourceType"])
    return model.model_validate(resource).model_dump_json(exclude_none=True).encode()

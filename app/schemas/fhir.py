"""The FHIR Bundle envelope as OpenAPI declares it (/v1/drugs/{drug}/fhir): a Bundle of typed
entries. The resources themselves are FHIR R5 (validated by fhir.resources when built); their
fields are FHIR's (camelCase), listed here by their kind and id only."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class FhirResource(BaseModel):
    model_config = ConfigDict(extra="allow")  # every other field is FHIR R5's

    id: str = Field(description="The resource's id: /fhir/{resourceType}/{id} reads it.")


class MedicationKnowledge(FhirResource):
    resourceType: Literal["MedicationKnowledge"]


class MedicinalProductDefinition(FhirResource):
    resourceType: Literal["MedicinalProductDefinition"]


class ClinicalUseDefinition(FhirResource):
    resourceType: Literal["ClinicalUseDefinition"]
    type: Literal["undesirable-effect", "indication", "interaction", "warning"]


Resource = Annotated[
    MedicationKnowledge | MedicinalProductDefinition | ClinicalUseDefinition,
    Field(discriminator="resourceType"),
]


class BundleEntry(BaseModel):
    fullUrl: str = Field(description="Where the FHIR API serves the resource (absolute URL).")
    resource: Resource


class FhirBundle(BaseModel):
    """A FHIR R5 Bundle of type collection."""

    resourceType: Literal["Bundle"]
    type: Literal["collection"]
    entry: list[BundleEntry] = Field(
        description="The MedicationKnowledge, its MedicinalProductDefinition, then the "
        "ClinicalUseDefinitions (undesirable effects, indications, interactions, warnings)."
    )

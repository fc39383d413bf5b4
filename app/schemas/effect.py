from pydantic import Field

from app.enums import MeddraLevel, ProfileAspect
from app.schemas.common import Citation, CitedText, DrugRef, EffectRef, Page, Schema
from app.schemas.drug import AliasRead, EffectCounts
from app.schemas.record import DrugEffectRecord


class EffectCodes(Schema):
    umls_cui: str = Field(description="UMLS concept id of the MedDRA term.")
    meddra_term: str = Field(description="The MedDRA term's name.")
    level: MeddraLevel = Field(description="pt (preferred term) or llt (lowest level term).")
    meddra_code: int | None = Field(
        default=None, description="The term's MedDRA code, from the user's MedDRA import."
    )
    cites: list[Citation] = Field(description="Where the coding comes from.")


class RelatedTerm(Schema):
    """A broader or narrower term, with where the relation comes from (the same shape both
    ways)."""

    effect: EffectRef = Field(description="The other term.")
    cites: list[Citation] = Field(description="Where the relation comes from.")


class ProfileSection(Schema):
    aspect: ProfileAspect = Field(description="Which facet of the condition.")
    facts: list[CitedText] = Field(description="What the sources say, one statement each.")


class EffectDetail(EffectRef):
    """One effect: description, codes, names, the terms around it, what sources describe."""

    description: CitedText | None = Field(description="A short description.")
    body_system_cites: list[Citation] = Field(
        default_factory=list,
        description="Where the body system comes from (and the kind, when a hierarchy gives "
        "it): the MedDRA import (exact) or the HPO release (approximate); empty when curated.",
    )
    codes: EffectCodes | None = Field(description="The MedDRA concept it is, where coded.")
    broader: RelatedTerm | None = Field(description="The term it sits under, if any.")
    narrower: list[RelatedTerm] = Field(description="Terms that sit under it.")
    aliases: list[AliasRead] = Field(description="Synonyms.")
    profile: list[ProfileSection] = Field(
        description="Duration, prevalence, triggers, care ... of conditions the sources describe."
    )
    drug_counts: EffectCounts = Field(description="How many drug records per context.")


class ContextRow(Schema):
    """One effect of one drug, with its record in each context."""

    effect: EffectRef = Field(description="The effect.")
    contexts: list[DrugEffectRecord] = Field(description="One record per context, in order.")


class DrugContexts(Page[ContextRow]):
    """A drug's effects, each with its records in every context side by side."""

    drug: DrugRef = Field(description="The drug.")

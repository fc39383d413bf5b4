"""The only import path for ORM classes; importing it registers every table."""

from app.models.alias import Alias
from app.models.base import Base
from app.models.citation import Citation
from app.models.drug import Drug, DrugClass, DrugClassMember, DrugUse, DrugWarning
from app.models.drug_code import DrugCode
from app.models.drug_effect import (
    DrugEffect,
    DrugEffectItem,
    DrugEffectSource,
    Evidence,
    StoredRecord,
)
from app.models.effect import Effect, EffectFact
from app.models.meta import DataRelease
from app.models.source import Source, SourceAnchor
from app.models.terminology import (
    HpoLaySynonym,
    HpoTerm,
    HpoTermCui,
    HpoTermParent,
    MeddraLlt,
    MeddraPt,
    MeddraSoc,
)

__all__ = [
    "Alias",
    "Base",
    "Citation",
    "DataRelease",
    "Drug",
    "DrugClass",
    "DrugClassMember",
    "DrugCode",
    "DrugEffect",
    "DrugEffectItem",
    "DrugEffectSource",
    "DrugUse",
    "DrugWarning",
    "Effect",
    "EffectFact",
    "Evidence",
    "HpoLaySynonym",
    "HpoTerm",
    "HpoTermCui",
    "HpoTermParent",
    "MeddraLlt",
    "MeddraPt",
    "MeddraSoc",
    "Source",
    "SourceAnchor",
    "StoredRecord",
]

"""The only import path for ORM classes; importing it registers every table."""

from app.models.alias import Alias
from app.models.base import Base
from app.models.drug import Drug, DrugCitation, DrugUse, DrugWarning
from app.models.drug_effect import (
    DrugEffect,
    DrugEffectPage,
    DrugEffectSymptom,
    Evidence,
    ManagementStep,
)
from app.models.effect import Effect, EffectCitation, EffectFact, EffectRelation
from app.models.meta import DataRelease
from app.models.source import Source

__all__ = [
    "Alias",
    "Base",
    "DataRelease",
    "Drug",
    "DrugCitation",
    "DrugEffect",
    "DrugEffectPage",
    "DrugEffectSymptom",
    "DrugUse",
    "DrugWarning",
    "Effect",
    "EffectCitation",
    "EffectFact",
    "EffectRelation",
    "Evidence",
    "ManagementStep",
    "Source",
]

"""Controlled vocabularies (leaf module: imports nothing from the app).

Members have ``name == value`` because SQLAlchemy stores member names in non-native enums.
"""

from enum import StrEnum


class Context(StrEnum):
    """When an effect happens relative to taking the drug."""

    side_effect = "side_effect"  # during regular use
    withdrawal = "withdrawal"  # after stopping or lowering the dose
    overdose = "overdose"


class IncidenceBand(StrEnum):
    """CIOMS frequency bands; ``unknown`` when a source gives no number."""

    very_common = "very_common"  # >= 10%
    common = "common"  # 1-10%
    uncommon = "uncommon"  # 0.1-1%
    rare = "rare"  # 0.01-0.1%
    very_rare = "very_rare"  # < 0.01%
    unknown = "unknown"


# Higher rank = more frequent; used for sorting and the min_incidence filter.
INCIDENCE_RANK: dict[IncidenceBand, int] = {
    IncidenceBand.very_common: 5,
    IncidenceBand.common: 4,
    IncidenceBand.uncommon: 3,
    IncidenceBand.rare: 2,
    IncidenceBand.very_rare: 1,
    IncidenceBand.unknown: 0,
}


class Severity(StrEnum):
    mild = "mild"
    moderate = "moderate"
    severe = "severe"
    life_threatening = "life_threatening"
    variable = "variable"


class DependenceRisk(StrEnum):
    low = "low"
    moderate = "moderate"
    high = "high"
    unknown = "unknown"


class AliasKind(StrEnum):
    brand = "brand"
    synonym = "synonym"
    abbreviation = "abbreviation"
    misspelling = "misspelling"
    generic = "generic"


class SourceKind(StrEnum):
    article = "article"
    blog_post = "blog_post"
    drug_label = "drug_label"
    database_release = "database_release"


class EffectKind(StrEnum):
    symptom = "symptom"
    condition = "condition"


class BodySystem(StrEnum):
    musculoskeletal = "musculoskeletal"
    nervous = "nervous"
    psychiatric = "psychiatric"
    respiratory = "respiratory"
    cardiovascular = "cardiovascular"
    gastrointestinal = "gastrointestinal"
    metabolic = "metabolic"
    general = "general"
    other = "other"


class OnsetAnchor(StrEnum):
    """What an onset time is measured from."""

    first_dose = "first_dose"
    dose_change = "dose_change"
    last_dose = "last_dose"


class LineOfTherapy(StrEnum):
    first_line = "first_line"
    not_first_line = "not_first_line"
    off_label = "off_label"
    adjunct = "adjunct"
    unspecified = "unspecified"


class WarningKind(StrEnum):
    boxed_warning = "boxed_warning"
    interaction = "interaction"
    precaution = "precaution"
    pregnancy = "pregnancy"
    breastfeeding = "breastfeeding"
    red_flag = "red_flag"
    monitoring = "monitoring"
    discontinuation = "discontinuation"


class ProfileAspect(StrEnum):
    """Facets of a condition the sources describe (leg cramps: duration, triggers, care...)."""

    typical_duration = "typical_duration"
    aftermath = "aftermath"
    prevalence = "prevalence"
    affected_sites = "affected_sites"
    who_gets_it = "who_gets_it"
    triggers = "triggers"
    contributing_factors = "contributing_factors"
    associated_conditions = "associated_conditions"
    diagnosis = "diagnosis"
    management = "management"
    prevention = "prevention"
    when_to_seek_care = "when_to_seek_care"


class MatchKind(StrEnum):
    """How a search result matched the query."""

    exact = "exact"  # the canonical name or slug
    alias = "alias"  # a brand name or synonym, exactly
    prefix = "prefix"  # the start of a name, or of one of its words (autocomplete)
    fuzzy = "fuzzy"  # a misspelling or a sound-alike

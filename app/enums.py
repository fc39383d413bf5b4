"""Controlled vocabularies (leaf module: imports nothing from the app).

Members have ``name == value`` because SQLAlchemy stores member names in non-native enums.
Each vocabulary's labels and definitions, as clients see them, are in app/vocabularies.py.
"""

from enum import StrEnum


class Context(StrEnum):
    """When an effect happens relative to taking the drug."""

    side_effect = "side_effect"  # during regular use
    withdrawal = "withdrawal"  # after stopping or lowering the dose
    overdose = "overdose"


class IncidenceBand(StrEnum):
    """CIOMS frequency bands; ``unknown`` when no source gives a frequency."""

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


class IncidenceBasis(StrEnum):
    """Which evidence a record's summary incidence comes from (the summary rule, best first)."""

    measured = "measured"  # percentages or ranges from labels: median of the rows
    label_words = "label_words"  # frequency words from labels ("common", "rare"): a band only
    document_wording = "document_wording"  # a curated document's own words: no band, no number
    listed_without_frequency = "listed_without_frequency"  # a label lists it, gives no frequency


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
    unknown = "unknown"  # a source discusses dependence but gives no level


class AliasKind(StrEnum):
    brand = "brand"
    synonym = "synonym"
    abbreviation = "abbreviation"
    misspelling = "misspelling"
    lower_level_term = "lower_level_term"  # a MedDRA lowest level term (as labels word it)
    lay_synonym = "lay_synonym"  # a layperson's word (HPO)


class SourceKind(StrEnum):
    article = "article"
    blog_post = "blog_post"
    drug_label = "drug_label"
    database_release = "database_release"
    curation = "curation"  # cross-references added by the sidefx curators


class AnchorKind(StrEnum):
    """Where in a source a statement is: a heading, a paragraph number, a file, a section."""

    heading = "heading"  # a heading of the document, quoted exactly
    paragraph = "paragraph"  # the n-th non-blank line of a document without headings
    file = "file"  # a file of a dataset release
    section = "section"  # a part of the curators' own notes


class EffectKind(StrEnum):
    """What kind of term an effect is, where a hierarchy says so (else unknown)."""

    symptom = "symptom"
    condition = "condition"
    sign = "sign"
    laboratory_finding = "laboratory_finding"
    infection = "infection"
    neoplasm = "neoplasm"
    injury = "injury"
    procedure = "procedure"
    unknown = "unknown"


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
    skin = "skin"
    eye = "eye"
    ear = "ear"
    blood = "blood"
    immune = "immune"
    endocrine = "endocrine"
    renal_urinary = "renal_urinary"
    reproductive = "reproductive"
    hepatobiliary = "hepatobiliary"
    neoplasms = "neoplasms"
    infections = "infections"
    injury = "injury"
    investigations = "investigations"
    pregnancy = "pregnancy"
    congenital = "congenital"
    procedures = "procedures"


class MeddraLevel(StrEnum):
    """The MedDRA level of an effect's code."""

    pt = "pt"  # preferred term: the concept SIDER codes effects with
    llt = "llt"  # lowest level term: narrower, sits under one preferred term


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


class ItemKind(StrEnum):
    """The list parts of a drug-effect record."""

    accompanying = "accompanying"  # a symptom that comes with it (links to another effect)
    management = "management"  # what helps, in order
    note = "note"  # anything else the source says about it


class Flag(StrEnum):
    """Why an imported record is probably not an effect of the drug (left out by default)."""

    procedure_or_therapy = "procedure_or_therapy"
    indication = "indication"
    other_substance_withdrawal = "other_substance_withdrawal"
    system_heading = "system_heading"


class Release(StrEnum):
    """Which loader wrote a row: the curated seed or an imported dataset."""

    seed = "seed"
    sider = "sider"
    hpo = "hpo"
    meddra = "meddra"
    rxnorm = "rxnorm"
    atc = "atc"


class DrugCodeSystem(StrEnum):
    """Systems of the codes terminology imports give drugs (models.DrugCode)."""

    atc = "atc"
    rxnorm = "rxnorm"


class MatchKind(StrEnum):
    """How a search result matched the query."""

    exact = "exact"  # the canonical name or slug
    alias = "alias"  # a brand name, synonym or MedDRA term, exactly
    prefix = "prefix"  # the start of a name, or of one of its words (autocomplete)
    fuzzy = "fuzzy"  # a misspelling or a sound-alike
    salt = "salt"  # the ingredient of a salt's name: warfarin sodium -> warfarin


class TermMatch(StrEnum):
    """How an answer about an effect relates to the effect asked for."""

    exact = "exact"
    broader_term = "broader_term"  # recorded under the broader MedDRA term
    narrower_term = "narrower_term"  # recorded under a narrower curated term


class MedicationStatus(StrEnum):
    taking = "taking"
    stopped = "stopped"
    dose_reduced = "dose_reduced"


class TimingVerdict(StrEnum):
    fits = "fits"
    too_early = "too_early"
    too_late = "too_late"
    unknown = "unknown"

"""Every vocabulary's values with a label and a definition: served at /v1/vocabularies and
written into the OpenAPI document's enum schemas (app/openapi/document.py), from this one table."""

from enum import StrEnum

from app.enums import (
    AliasKind,
    AnchorKind,
    BodySystem,
    Context,
    DependenceRisk,
    EffectKind,
    Flag,
    IncidenceBand,
    IncidenceBasis,
    LineOfTherapy,
    MatchKind,
    MeddraLevel,
    MedicationStatus,
    OnsetAnchor,
    ProfileAspect,
    Severity,
    SourceKind,
    TermMatch,
    TimingVerdict,
    WarningKind,
)
from app.importers.derived_rules import FLAG_RULES

Terms = dict[str, tuple[str, str]]  # value -> (label, definition)

BODY_SYSTEMS: Terms = {
    "musculoskeletal": ("Musculoskeletal", "Muscles, bones, joints and connective tissue."),
    "nervous": ("Nervous system", "Brain, nerves and the senses they carry (headache, seizures)."),
    "psychiatric": ("Psychiatric", "Mood, behaviour, sleep and thinking (anxiety, insomnia)."),
    "respiratory": ("Respiratory", "Airways, lungs, chest and voice (cough, breathlessness)."),
    "cardiovascular": ("Heart and blood vessels", "Cardiac and vascular disorders."),
    "gastrointestinal": ("Gastrointestinal", "Mouth, stomach and bowel (nausea, diarrhoea)."),
    "metabolic": ("Metabolism and nutrition", "Appetite, weight, electrolytes, blood sugar."),
    "general": ("General", "Not specific to one system (fatigue, fever, pain at a site)."),
    "other": ("Other", "Social circumstances, product issues, anything no system fits."),
    "skin": ("Skin", "Skin, hair, nails and the tissue under the skin (rash, hair loss)."),
    "eye": ("Eye", "Eyes and vision."),
    "ear": ("Ear", "Ears, hearing and balance (tinnitus, vertigo)."),
    "blood": ("Blood", "Blood cells, lymph nodes and the spleen (anaemia)."),
    "immune": ("Immune system", "Allergies and immune reactions."),
    "endocrine": ("Endocrine", "Hormone glands (thyroid, adrenal, pituitary)."),
    "renal_urinary": ("Kidneys and urinary tract", "Renal and urinary disorders."),
    "reproductive": ("Reproductive system and breast", "Sexual function, menstruation, breast."),
    "hepatobiliary": ("Liver and gallbladder", "Hepatobiliary disorders."),
    "neoplasms": ("Neoplasms", "Tumours, benign and malignant, cysts and polyps."),
    "infections": ("Infections", "Infections and infestations."),
    "injury": ("Injury", "Injuries, poisonings and complications of procedures."),
    "investigations": ("Investigations", "Test results (laboratory values, ECG, vital signs)."),
    "pregnancy": ("Pregnancy", "Pregnancy, birth and the newborn."),
    "congenital": ("Congenital", "Congenital, familial and genetic disorders."),
    "procedures": ("Procedures", "Surgical and medical procedures."),
}

VOCABULARIES: dict[str, tuple[type[StrEnum], str, Terms]] = {
    "contexts": (
        Context,
        "When an effect happens relative to taking the drug.",
        {
            "side_effect": ("Side effect", "During regular use of the drug."),
            "withdrawal": ("Withdrawal", "After stopping the drug or lowering its dose."),
            "overdose": ("Overdose", "After taking more than the intended dose."),
        },
    ),
    "incidence_bands": (
        IncidenceBand,
        "CIOMS frequency bands of the summary incidence.",
        {
            "very_common": ("Very common", ">= 10% (1 in 10 or more)."),
            "common": ("Common", ">= 1% and < 10%."),
            "uncommon": ("Uncommon", ">= 0.1% and < 1%."),
            "rare": ("Rare", ">= 0.01% and < 0.1%."),
            "very_rare": ("Very rare", "< 0.01%."),
            "unknown": (
                "Unknown",
                "No source states a frequency (a document's words, or postmarketing reports).",
            ),
        },
    ),
    "incidence_bases": (
        IncidenceBasis,
        "Which evidence a summary incidence comes from, best first.",
        {
            "measured": (
                "Measured",
                "Percentages or ranges from labels: the median of the active "
                "rows, their lowest and highest bound beside it.",
            ),
            "label_words": (
                "Label words",
                "Frequency words from labels (common, rare, "
                "postmarketing): a band, never turned into a number. Only where a row "
                "gives a word; a plain listing is not a word.",
            ),
            "document_wording": (
                "Document wording",
                "A curated document's own words; documents "
                "give no numbers, so the band is unknown.",
            ),
            "listed_without_frequency": (
                "Listed",
                "A label lists the effect and gives no frequency, number or word.",
            ),
        },
    ),
    "severities": (
        Severity,
        "How bad an effect is, as a source states it.",
        {
            "mild": ("Mild", "Noticeable but not limiting."),
            "moderate": ("Moderate", "Limits usual activities."),
            "severe": ("Severe", "Prevents usual activities or needs medical care."),
            "life_threatening": ("Life-threatening", "Can cause death without urgent treatment."),
            "variable": ("Variable", "The source gives a range, from mild to severe."),
        },
    ),
    "dependence_risks": (
        DependenceRisk,
        "Risk of physical or psychological dependence.",
        {
            "low": ("Low", "The source calls the risk low."),
            "moderate": ("Moderate", "The source calls the risk moderate."),
            "high": ("High", "The source calls the risk high."),
            "unknown": (
                "No level given",
                "A source discusses dependence without a level; where "
                "no source discusses it, the attribute is not stated (null).",
            ),
        },
    ),
    "alias_kinds": (
        AliasKind,
        "Kinds of other names.",
        {
            "brand": ("Brand name", "A product's trade name (Klonopin)."),
            "synonym": ("Synonym", "Another name of the same thing (charley horse)."),
            "abbreviation": ("Abbreviation", "A short form (benzo)."),
            "misspelling": ("Misspelling", "A common misspelling."),
            "lower_level_term": (
                "Lower level term",
                "A MedDRA lowest level term of the effect's preferred term, as labels word it "
                "(from SIDER's label terms, or the user's MedDRA import).",
            ),
            "lay_synonym": (
                "Lay synonym",
                "An everyday word for the effect: an HPO layperson synonym of the effect's own "
                "UMLS concept (exact match of codes only), cited to the HPO release.",
            ),
        },
    ),
    "body_systems": (
        BodySystem,
        "Body systems effects are grouped by, as MedDRA's system organ classes group them. "
        "Curated effects carry the curators' system; imported ones their MedDRA preferred "
        "term's primary SOC (exact, when a MedDRA distribution is imported) or else the "
        "organ system above their HPO term (`body_system_approximate: true`); null when no "
        "hierarchy classifies the effect.",
        BODY_SYSTEMS,
    ),
    "effect_kinds": (
        EffectKind,
        "What kind of term an effect is, where a hierarchy says so.",
        {
            "symptom": ("Symptom", "A symptom, sign or disorder: an adverse effect."),
            "condition": ("Condition", "A condition the sources describe in depth (causes, care)."),
            "sign": ("Sign", "A finding an examiner observes rather than one the patient feels."),
            "laboratory_finding": (
                "Laboratory finding",
                "A test result (MedDRA's Investigations SOC: blood glucose increased).",
            ),
            "infection": ("Infection", "An infection or infestation."),
            "neoplasm": ("Neoplasm", "A tumour, benign or malignant, cysts and polyps."),
            "injury": ("Injury", "An injury, poisoning or procedural complication."),
            "procedure": (
                "Procedure",
                "A surgical or medical procedure (usually a label's treatment, not an effect).",
            ),
            "unknown": ("Unknown", "No imported hierarchy classifies the term."),
        },
    ),
    "meddra_levels": (
        MeddraLevel,
        "MedDRA levels of an effect's code.",
        {
            "pt": (
                "Preferred term",
                "A MedDRA preferred term, the concept SIDER codes effects with.",
            ),
            "llt": (
                "Lowest level term",
                "A narrower MedDRA term; it sits under one preferred term.",
            ),
        },
    ),
    "term_matches": (
        TermMatch,
        "How an answer relates to the effect asked for.",
        {
            "exact": ("Exact", "A record of the effect itself."),
            "broader_term": ("Broader term", "A record of the broader term it sits under."),
            "narrower_term": ("Narrower term", "A record of a narrower term under it."),
        },
    ),
    "flags": (
        Flag,
        "Why an imported record is probably not an effect of the drug; flagged "
        "records are left out of default lists (include_flagged=true shows them), and the "
        "symptom check lists them after the others, marked, never as 'no source'.",
        {f.value: (f.value.replace("_", " ").capitalize(), FLAG_RULES[f]) for f in Flag},
    ),
    "onset_anchors": (
        OnsetAnchor,
        "What onset days count from.",
        {
            "first_dose": ("First dose", "Starting the drug."),
            "dose_change": ("Dose change", "Raising or lowering the dose."),
            "last_dose": ("Last dose", "Stopping the drug."),
        },
    ),
    "lines_of_therapy": (
        LineOfTherapy,
        "Where a use sits among treatments.",
        {
            "first_line": ("First line", "A first choice."),
            "not_first_line": ("Not first line", "Used when other treatments are not enough."),
            "off_label": ("Off label", "Used outside its approved indications."),
            "adjunct": ("Adjunct", "Added to another treatment."),
            "unspecified": ("Unspecified", "The source does not say."),
        },
    ),
    "warning_kinds": (
        WarningKind,
        "Kinds of warning.",
        {
            "boxed_warning": ("Boxed warning", "The regulator's most serious warning."),
            "interaction": ("Interaction", "A risk of combining it with something."),
            "precaution": ("Precaution", "Use with caution in some situations."),
            "pregnancy": ("Pregnancy", "Use in pregnancy."),
            "breastfeeding": ("Breastfeeding", "Use while breastfeeding."),
            "red_flag": ("Red flag", "Symptoms that need urgent medical care."),
            "monitoring": ("Monitoring", "What a prescriber should watch."),
            "discontinuation": ("Discontinuation", "How to stop it safely."),
        },
    ),
    "profile_aspects": (
        ProfileAspect,
        "Facets of a condition the sources describe.",
        {
            a.value: (
                a.value.replace("_", " ").capitalize(),
                f"What the sources say about its {a.value.replace('_', ' ')}.",
            )
            for a in ProfileAspect
        },
    ),
    "source_kinds": (
        SourceKind,
        "Kinds of source.",
        {
            "article": ("Article", "A web article."),
            "blog_post": ("Blog post", "A post on a blog."),
            "drug_label": ("Drug label", "A product label."),
            "database_release": (
                "Database release",
                "A release of a dataset or terminology (SIDER, HPO, MedDRA).",
            ),
            "curation": (
                "Curation",
                "The sidefx curators' cross-references (codes, brand names, "
                "synonyms, class memberships) that no document states.",
            ),
        },
    ),
    "anchor_kinds": (
        AnchorKind,
        "Kinds of place a citation points at.",
        {
            "heading": ("Heading", "A heading of the document, quoted exactly."),
            "paragraph": ("Paragraph", "The n-th non-blank line of a document without headings."),
            "file": ("File", "A file of a dataset release."),
            "section": ("Section", "A section of the curators' notes."),
        },
    ),
    "match_kinds": (
        MatchKind,
        "How a search result matched.",
        {
            "exact": ("Exact", "The canonical name or slug."),
            "alias": ("Alias", "A brand name, synonym or MedDRA term, exactly."),
            "prefix": ("Prefix", "The start of a name or of one of its words."),
            "fuzzy": ("Fuzzy", "A misspelling or sound-alike."),
            "salt": ("Salt", "A salt's name found its ingredient: warfarin sodium -> warfarin."),
        },
    ),
    "medication_statuses": (
        MedicationStatus,
        "A medication's status in a symptom check.",
        {
            "taking": ("Taking", "Taken regularly now."),
            "stopped": ("Stopped", "No longer taken."),
            "dose_reduced": ("Dose reduced", "Still taken, at a lower dose."),
        },
    ),
    "timing_verdicts": (
        TimingVerdict,
        "Whether a symptom's timing fits an onset window.",
        {
            "fits": ("Fits", "It began inside the window the source gives."),
            "too_early": ("Too early", "It began before the window opens."),
            "too_late": ("Too late", "It began after the window closes."),
            "unknown": ("Unknown", "No dates, or the source gives no window in days."),
        },
    ),
}


def check() -> None:
    """Every enum value has a label (tests call this)."""
    for name, (enum, _, terms) in VOCABULARIES.items():
        missing = {v.value for v in enum} ^ set(terms)
        if missing:
            raise ValueError(f"{name}: values without labels or labels without values: {missing}")


def enum_description(enum: type[StrEnum]) -> str | None:
    for _, (vocab_enum, summary, terms) in VOCABULARIES.items():
        if vocab_enum is enum:
            lines = [f"- `{v}`: {label}. {definition}" for v, (label, definition) in terms.items()]
            return summary + "\n\n" + "\n".join(lines)
    return None

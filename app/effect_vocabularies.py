"""The vocabularies of effects and drug-effect records (with a drug's dependence risk and the
kinds of alias, listed among them): the first part of /v1/vocabularies, in its order
(vocabularies.py holds the whole table). FLAG_RULES words each flag's rule: the read model
stores it as a flagged record's reason, and /v1/vocabularies defines the flag by it.
"""

from enum import StrEnum

from app.enums import (
    AliasKind,
    BodySystem,
    Context,
    DependenceRisk,
    EffectKind,
    Flag,
    IncidenceBand,
    IncidenceBasis,
    MeddraLevel,
    OnsetAnchor,
    Severity,
    TermMatch,
)

FLAG_RULES = {
    Flag.procedure_or_therapy: "the term names a procedure or a therapy, not an effect "
    "(a MedDRA term ending in 'therapy', 'procedure' or 'operation', or 'Surgery')",
    Flag.indication: "the term is an indication of this drug in the same release, and no "
    "frequency of it is given among the drug's adverse reactions",
    Flag.system_heading: "the term is a label's system-organ-class heading read as an effect "
    "(a whole body system, not a specific effect)",
    Flag.other_substance_withdrawal: "withdrawal from another substance, not from this drug",
}

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

EFFECT_VOCABULARIES: dict[str, tuple[type[StrEnum], str, Terms]] = {
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
}

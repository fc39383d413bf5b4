"""Every vocabulary's values with a label and a definition: served at /v1/vocabularies and
written into the OpenAPI document's enum schemas (app/openapi/document.py), from this one table (its
first part, the vocabularies of effects and records, is effect_vocabularies.py)."""

from enum import StrEnum

from app.effect_vocabularies import EFFECT_VOCABULARIES, Terms
from app.enums import (
    AnchorKind,
    LineOfTherapy,
    MatchKind,
    MedicationStatus,
    ProfileAspect,
    SourceKind,
    TimingVerdict,
    WarningKind,
)

VOCABULARIES: dict[str, tuple[type[StrEnum], str, Terms]] = {
    **EFFECT_VOCABULARIES,
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

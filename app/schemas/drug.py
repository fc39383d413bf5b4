from pydantic import Field

from app.enums import AliasKind, DependenceRisk, DrugCodeSystem, LineOfTherapy, Release, WarningKind
from app.schemas.common import Citation, ClassRef, DrugRef, Schema

NOT_STATED = (
    "Names of attributes no source states. A null attribute listed here means not stated, "
    "never no or none."
)


class AliasRead(Schema):
    name: str = Field(description="The other name, as written.")
    kind: AliasKind = Field(description="brand, synonym, abbreviation or misspelling.")
    cites: list[Citation] = Field(description="Where the name is given.")


class ClassMembership(Schema):
    drug_class: ClassRef = Field(description="The class.")
    cites: list[Citation] = Field(description="Where the drug is said to belong to it.")


class ImportedCode(Schema):
    system: DrugCodeSystem = Field(description="atc or rxnorm.")
    code: str = Field(description="The code as the release gives it.")
    source: Release = Field(description="The release that gave it (rxnorm, atc).")


class Identifiers(Schema):
    pubchem_cid: int | None = Field(description="PubChem compound id.")
    atc: str | None = Field(description="WHO ATC code (curated, else the first imported).")
    rxcui: str | None = Field(description="RxNorm ingredient concept id (curated, else imported).")
    codes: list[ImportedCode] = Field(
        description="Every code a terminology import gave the drug (`sidefx import rxnorm`, "
        "`sidefx import atc`): several ATC codes where the drug has them."
    )
    cites: list[Citation] = Field(description="Where the codes come from.")


class TextAttribute(Schema):
    """An attribute stated in words: every attribute is `{value, note, cites}`."""

    value: str = Field(description="What the source states, in sidefx's words.")
    note: str | None = Field(description="What the source adds; null when nothing.")
    cites: list[Citation] = Field(description="Where it is stated.")


class DependenceRiskAttribute(Schema):
    """The dependence risk as a level: the same `{value, note, cites}` shape."""

    value: DependenceRisk = Field(
        description="low, moderate, high, or unknown (a source discusses dependence without "
        "giving a level)."
    )
    note: str | None = Field(description="What the source says about it.")
    cites: list[Citation] = Field(description="Where it is stated.")


class ListAttribute(Schema):
    """An attribute that is a list of names: the same `{value, note, cites}` shape."""

    value: list[str] = Field(description="The names, as the source gives them.")
    note: str | None = Field(description="What the source adds; null when nothing.")
    cites: list[Citation] = Field(description="Where they are named.")


class Attributes(Schema):
    """Each attribute `{value, note, cites}` (`value` a text, a level or a list, as typed);
    null when no source states it (then it is listed in `not_stated`)."""

    mechanism: TextAttribute | None = Field(description="How it works.")
    controlled_substance: TextAttribute | None = Field(description="Its controlled status.")
    dependence_risk: DependenceRiskAttribute | None = Field(description="Risk of dependence.")
    sedation_potential: TextAttribute | None = Field(description="How sedating it is.")
    common_use: TextAttribute | None = Field(description="What it is commonly used for, in brief.")
    onset_of_action: TextAttribute | None = Field(description="How soon it acts.")
    formulations: ListAttribute | None = Field(description="Forms it comes in.")
    description: TextAttribute | None = Field(description="A short description.")


class DrugUseRead(Schema):
    condition: str = Field(description="What it is used for.")
    line_of_therapy: LineOfTherapy = Field(
        description="first_line, not_first_line, off_label, adjunct or unspecified."
    )
    note: str | None = Field(description="What the source adds.")
    cites: list[Citation] = Field(description="Where the use is stated.")


class WarningRead(Schema):
    kind: WarningKind = Field(
        description="boxed_warning, interaction, precaution, pregnancy, breastfeeding, "
        "red_flag, monitoring or discontinuation."
    )
    title: str = Field(description="Short title.")
    text: str = Field(description="The warning, in sidefx's words.")
    interacts_with: list[str] = Field(
        description="Interactions: what it must not be combined with, as the source names it "
        "(drug or class slugs, or substances such as alcohol)."
    )
    cites: list[Citation] = Field(description="Where it is stated.")


class EffectCounts(Schema):
    side_effect: int = Field(description="Records in the side_effect context (unflagged).")
    withdrawal: int = Field(description="Records in the withdrawal context (unflagged).")
    overdose: int = Field(description="Records in the overdose context (unflagged).")
    flagged: int = Field(description="Imported records left out of default answers.")


class DrugSummary(DrugRef):
    """One row of the drug list."""

    classes: list[ClassRef] = Field(description="Classes the drug belongs to.")
    brand_names: list[str] = Field(description="Brand names, display case.")


class DrugDetail(DrugRef):
    """One drug: attributes, names, codes, uses, warnings, effect counts."""

    classes: list[ClassMembership] = Field(description="Classes it belongs to, cited.")
    identifiers: Identifiers | None = Field(description="Registry codes, where known.")
    attributes: Attributes = Field(description="What the sources state about it.")
    not_stated: list[str] = Field(description=NOT_STATED)
    aliases: list[AliasRead] = Field(description="Brand names and synonyms.")
    same_ingredient: list[DrugRef] = Field(
        description="Other records of the same active ingredient (other salts or forms); "
        "their records are not merged into this one."
    )
    uses: list[DrugUseRead] = Field(description="What it is used for.")
    warnings: list[WarningRead] = Field(description="Boxed warnings, interactions, cautions.")
    effect_counts: EffectCounts = Field(description="How many records per context.")

from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import DependenceRisk, LineOfTherapy, Release, WarningKind
from app.models.base import Base, vocab

# The drug's text attributes: each a cited statement (seed_data/drugs.yaml, the drug detail).
TEXT_ATTRIBUTES = (
    "mechanism",
    "controlled_substance",
    "sedation_potential",
    "common_use",
    "onset_of_action",
    "description",
)


class Drug(Base):
    """A medicine. Attribute values are statements: each is cited (Citation.part = the column),
    and a null value is one no source states."""

    __tablename__ = "drug"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), index=True)  # name_key(name)
    # The active ingredient's name key ("venlafaxine" for venlafaxine hydrochloride): records of
    # one ingredient share it, and the ingredient name resolves to them.
    ingredient_key: Mapped[str] = mapped_column(String(200), index=True)
    release: Mapped[Release] = mapped_column(vocab(Release, "release"))
    mechanism: Mapped[str | None] = mapped_column(Text)
    controlled_substance: Mapped[str | None] = mapped_column(String(300))
    dependence_risk: Mapped[DependenceRisk | None] = mapped_column(
        vocab(DependenceRisk, "dependence_risk")
    )
    dependence_note: Mapped[str | None] = mapped_column(Text)
    sedation_potential: Mapped[str | None] = mapped_column(String(300))
    common_use: Mapped[str | None] = mapped_column(String(500))
    onset_of_action: Mapped[str | None] = mapped_column(Text)
    formulations: Mapped[list[Any] | None] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(Text)
    pubchem_cid: Mapped[int | None] = mapped_column(Integer, index=True)
    atc_code: Mapped[str | None] = mapped_column(String(20), index=True)
    rxcui: Mapped[str | None] = mapped_column(String(20), index=True)


class DrugClass(Base):
    """A group of drugs the sources name (benzodiazepines, statins), with aliases."""

    __tablename__ = "drug_class"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str | None] = mapped_column(Text)


class DrugClassMember(Base):
    """A drug belongs to a class: a cited statement."""

    __tablename__ = "drug_class_member"
    __table_args__ = (UniqueConstraint("drug_id", "class_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    drug_id: Mapped[int] = mapped_column(ForeignKey("drug.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(
        ForeignKey("drug_class.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)


class DrugUse(Base):
    """What a drug is used for, with its line of therapy."""

    __tablename__ = "drug_use"

    id: Mapped[int] = mapped_column(primary_key=True)
    drug_id: Mapped[int] = mapped_column(ForeignKey("drug.id", ondelete="CASCADE"), index=True)
    condition: Mapped[str] = mapped_column(String(300))
    umls_cui: Mapped[str | None] = mapped_column(String(20))
    line_of_therapy: Mapped[LineOfTherapy] = mapped_column(
        vocab(LineOfTherapy, "line_of_therapy"), default=LineOfTherapy.unspecified
    )
    note: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    release: Mapped[Release] = mapped_column(vocab(Release, "release"))


class DrugWarning(Base):
    """Boxed warnings, interactions, precautions, pregnancy, red flags ..."""

    __tablename__ = "drug_warning"

    id: Mapped[int] = mapped_column(primary_key=True)
    drug_id: Mapped[int] = mapped_column(ForeignKey("drug.id", ondelete="CASCADE"), index=True)
    kind: Mapped[WarningKind] = mapped_column(vocab(WarningKind, "warning_kind"))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    # Interactions: what the drug must not be combined with, as the source names it (drug and
    # class slugs, or substances such as "alcohol"); the symptom check matches a patient's list.
    interacts_with: Mapped[list[Any] | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)
    release: Mapped[Release] = mapped_column(vocab(Release, "release"))

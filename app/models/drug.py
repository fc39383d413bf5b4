from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import DependenceRisk, LineOfTherapy, WarningKind
from app.models.base import Base, vocab


class Drug(Base):
    __tablename__ = "drug"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    drug_class: Mapped[str | None] = mapped_column(String(200), index=True)
    mechanism: Mapped[str | None] = mapped_column(Text)
    controlled_substance: Mapped[str | None] = mapped_column(String(300))
    dependence_risk: Mapped[DependenceRisk] = mapped_column(
        vocab(DependenceRisk, "dependence_risk"), default=DependenceRisk.unknown
    )
    dependence_note: Mapped[str | None] = mapped_column(Text)
    sedation_potential: Mapped[str | None] = mapped_column(String(300))
    common_use: Mapped[str | None] = mapped_column(String(500))
    onset_of_action: Mapped[str | None] = mapped_column(Text)
    formulations: Mapped[list[Any]] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    pubchem_cid: Mapped[int | None] = mapped_column(Integer, index=True)
    atc_code: Mapped[str | None] = mapped_column(String(20))
    rxcui: Mapped[str | None] = mapped_column(String(20))


class DrugCitation(Base):
    """Which source backs which attribute of a drug (class, mechanism, dependence risk ...)."""

    __tablename__ = "drug_citation"

    id: Mapped[int] = mapped_column(primary_key=True)
    drug_id: Mapped[int] = mapped_column(ForeignKey("drug.id", ondelete="CASCADE"), index=True)
    attribute: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), index=True)
    section: Mapped[str | None] = mapped_column(String(200))


class DrugUse(Base):
    """What a drug is used for, with its line of therapy, as one source states it."""

    __tablename__ = "drug_use"

    id: Mapped[int] = mapped_column(primary_key=True)
    drug_id: Mapped[int] = mapped_column(ForeignKey("drug.id", ondelete="CASCADE"), index=True)
    condition: Mapped[str] = mapped_column(String(300))
    umls_cui: Mapped[str | None] = mapped_column(String(20))
    line_of_therapy: Mapped[LineOfTherapy] = mapped_column(
        vocab(LineOfTherapy, "line_of_therapy"), default=LineOfTherapy.unspecified
    )
    note: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), index=True)
    section: Mapped[str | None] = mapped_column(String(200))


class DrugWarning(Base):
    """Boxed warnings, interactions, precautions, pregnancy, red flags ..."""

    __tablename__ = "drug_warning"

    id: Mapped[int] = mapped_column(primary_key=True)
    drug_id: Mapped[int] = mapped_column(ForeignKey("drug.id", ondelete="CASCADE"), index=True)
    kind: Mapped[WarningKind] = mapped_column(vocab(WarningKind, "warning_kind"))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), index=True)
    section: Mapped[str | None] = mapped_column(String(200))

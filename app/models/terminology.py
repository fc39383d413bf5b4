"""Terminology releases as their loaders read them: the Human Phenotype Ontology (HPO) and the
user's MedDRA distribution. Each loader replaces its own tables whole; the read model
(app/importers/terminology/effects/links.py) joins them to effects, so the order of loads
does not matter. Nothing here refers to an effect."""

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class HpoTerm(Base):
    """An HPO term (`HP:0000707`), obsolete ones included (their ids stay resolvable)."""

    __tablename__ = "hpo_term"

    id: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    obsolete: Mapped[bool] = mapped_column(Boolean)


class HpoTermCui(Base):
    """A UMLS concept an HPO term is (its `xref: UMLS:` lines)."""

    __tablename__ = "hpo_term_cui"

    term_id: Mapped[str] = mapped_column(
        ForeignKey("hpo_term.id", ondelete="CASCADE"), primary_key=True
    )
    cui: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)


class HpoTermParent(Base):
    """An `is_a` edge: the organ-system ancestry body systems come from."""

    __tablename__ = "hpo_term_parent"

    term_id: Mapped[str] = mapped_column(
        ForeignKey("hpo_term.id", ondelete="CASCADE"), primary_key=True
    )
    parent_id: Mapped[str] = mapped_column(String(12), primary_key=True)


class HpoLaySynonym(Base):
    """A layperson synonym of an HPO term (`synonym: "..." EXACT layperson`), as HPO words it."""

    __tablename__ = "hpo_lay_synonym"

    term_id: Mapped[str] = mapped_column(
        ForeignKey("hpo_term.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(300), primary_key=True)


class MeddraSoc(Base):
    """A MedDRA system organ class (soc.asc)."""

    __tablename__ = "meddra_soc"

    code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    abbrev: Mapped[str] = mapped_column(String(10))


class MeddraPt(Base):
    """A MedDRA preferred term (pt.asc) with its primary SOC (mdhier.asc's primary flag)."""

    __tablename__ = "meddra_pt"

    code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(100), index=True)  # name, case-folded
    soc_code: Mapped[int] = mapped_column(ForeignKey("meddra_soc.code", ondelete="CASCADE"))


class MeddraLlt(Base):
    """A MedDRA lowest level term (llt.asc) under its preferred term; `current` is MedDRA's
    currency flag (non-current terms are kept for old data and are not offered as names)."""

    __tablename__ = "meddra_llt"

    code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    pt_code: Mapped[int] = mapped_column(
        ForeignKey("meddra_pt.code", ondelete="CASCADE"), index=True
    )
    current: Mapped[bool] = mapped_column(Boolean)

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import DrugCodeSystem, Release
from app.models.base import Base, vocab


class DrugCode(Base):
    """A code a terminology release gives a drug (its ingredient's RXCUI, its ATC codes).

    Beside the curated `drug.atc_code` / `drug.rxcui`, never over them: a drug may have
    several ATC codes, and a reload of the seed or of one release leaves the others' codes.
    Each row is cited (Citation.drug_id, part `identifiers`, the release's file)."""

    __tablename__ = "drug_code"
    __table_args__ = (
        UniqueConstraint("drug_id", "system", "code"),
        Index("ix_drug_code_system_code", "system", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    drug_id: Mapped[int] = mapped_column(ForeignKey("drug.id", ondelete="CASCADE"))
    system: Mapped[DrugCodeSystem] = mapped_column(vocab(DrugCodeSystem, "drug_code_system"))
    code: Mapped[str] = mapped_column(String(20))
    release: Mapped[Release] = mapped_column(vocab(Release, "release"))

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

# Every kind of statement a citation can back; exactly one is set on each row.
TARGETS = (
    "drug_id",
    "effect_id",
    "drug_effect_id",
    "drug_effect_item_id",
    "effect_fact_id",
    "drug_use_id",
    "drug_warning_id",
    "class_member_id",
    "alias_id",
)
_ONE_TARGET = " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in TARGETS) + " = 1"


class Citation(Base):
    """One statement backed by one anchor of one source.

    Statements are rows (a use, a warning, a condition fact, a list item of a record, an alias,
    a class membership) or parts of a row (`part`: a drug's `mechanism`, a record's `onset`).
    """

    __tablename__ = "citation"
    __table_args__ = (CheckConstraint(_ONE_TARGET, name="one_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    anchor_id: Mapped[int] = mapped_column(
        ForeignKey("source_anchor.id", ondelete="CASCADE"), index=True
    )
    part: Mapped[str | None] = mapped_column(String(40))
    drug_id: Mapped[int | None] = mapped_column(
        ForeignKey("drug.id", ondelete="CASCADE"), index=True
    )
    effect_id: Mapped[int | None] = mapped_column(
        ForeignKey("effect.id", ondelete="CASCADE"), index=True
    )
    drug_effect_id: Mapped[int | None] = mapped_column(
        ForeignKey("drug_effect.id", ondelete="CASCADE"), index=True
    )
    drug_effect_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("drug_effect_item.id", ondelete="CASCADE"), index=True
    )
    effect_fact_id: Mapped[int | None] = mapped_column(
        ForeignKey("effect_fact.id", ondelete="CASCADE"), index=True
    )
    drug_use_id: Mapped[int | None] = mapped_column(
        ForeignKey("drug_use.id", ondelete="CASCADE"), index=True
    )
    drug_warning_id: Mapped[int | None] = mapped_column(
        ForeignKey("drug_warning.id", ondelete="CASCADE"), index=True
    )
    class_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("drug_class_member.id", ondelete="CASCADE"), index=True
    )
    alias_id: Mapped[int | None] = mapped_column(
        ForeignKey("alias.id", ondelete="CASCADE"), index=True
    )

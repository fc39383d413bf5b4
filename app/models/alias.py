from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import AliasKind
from app.models.base import Base, vocab


class Alias(Base):
    """Another name of a drug (brand, synonym) or of an effect (leg cramps ~ charley horse).

    ``key`` is the normalised name (lower case, single spaces) that lookups compare against.
    """

    __tablename__ = "alias"
    __table_args__ = (
        CheckConstraint("(drug_id IS NULL) <> (effect_id IS NULL)", name="one_target"),
        Index("ix_alias_key_drug", "key", "drug_id", unique=True),
        Index("ix_alias_key_effect", "key", "effect_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AliasKind] = mapped_column(vocab(AliasKind, "alias_kind"))
    drug_id: Mapped[int | None] = mapped_column(
        ForeignKey("drug.id", ondelete="CASCADE"), index=True
    )
    effect_id: Mapped[int | None] = mapped_column(
        ForeignKey("effect.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("source.id", ondelete="CASCADE"), index=True
    )

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import AliasKind, Release
from app.models.base import Base, vocab


class Alias(Base):
    """Another name of a drug (brand, synonym), of an effect (charley horse) or of a drug
    class (benzo). ``key`` is the normalised name (app.name_keys.name_key) lookups compare."""

    __tablename__ = "alias"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN drug_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN effect_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN class_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
        Index("ix_alias_key_drug", "key", "drug_id", unique=True),
        Index("ix_alias_key_effect", "key", "effect_id", unique=True),
        Index("ix_alias_key_class", "key", "class_id", unique=True),
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
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("drug_class.id", ondelete="CASCADE"), index=True
    )
    release: Mapped[Release] = mapped_column(vocab(Release, "release"))

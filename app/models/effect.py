from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import BodySystem, EffectKind, ProfileAspect
from app.models.base import Base, vocab


class Effect(Base):
    """An adverse effect or condition (MedDRA preferred term for imported data)."""

    __tablename__ = "effect"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[EffectKind] = mapped_column(
        vocab(EffectKind, "effect_kind"), default=EffectKind.symptom
    )
    body_system: Mapped[BodySystem | None] = mapped_column(vocab(BodySystem, "body_system"))
    description: Mapped[str | None] = mapped_column(Text)
    umls_cui: Mapped[str | None] = mapped_column(String(20), unique=True)
    meddra_term: Mapped[str | None] = mapped_column(String(200))


class EffectFact(Base):
    """One cited statement about a condition: a trigger, a management step, when to seek care ..."""

    __tablename__ = "effect_fact"

    id: Mapped[int] = mapped_column(primary_key=True)
    effect_id: Mapped[int] = mapped_column(ForeignKey("effect.id", ondelete="CASCADE"), index=True)
    aspect: Mapped[ProfileAspect] = mapped_column(vocab(ProfileAspect, "profile_aspect"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), index=True)
    section: Mapped[str | None] = mapped_column(String(200))


class EffectRelation(Base):
    """Effects the sources mention together (cramps ~ spasms)."""

    __tablename__ = "effect_relation"

    effect_id: Mapped[int] = mapped_column(
        ForeignKey("effect.id", ondelete="CASCADE"), primary_key=True
    )
    related_id: Mapped[int] = mapped_column(
        ForeignKey("effect.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class EffectCitation(Base):
    """Which source backs an effect's description."""

    __tablename__ = "effect_citation"

    id: Mapped[int] = mapped_column(primary_key=True)
    effect_id: Mapped[int] = mapped_column(ForeignKey("effect.id", ondelete="CASCADE"), index=True)
    attribute: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), index=True)
    section: Mapped[str | None] = mapped_column(String(200))

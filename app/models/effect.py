from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import BodySystem, EffectKind, MeddraLevel, ProfileAspect, Release
from app.models.base import Base, vocab


class Effect(Base):
    """An adverse effect or condition: a MedDRA concept, identified by its UMLS CUI.

    Imported effects are preferred terms (PT). A curated effect that is the same concept as a
    PT carries that PT's code, so imported records land on it; a narrower one (leg cramps)
    carries its own code and points at the PT it sits under (`broader_id`).
    """

    __tablename__ = "effect"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), index=True)  # name_key(name)
    kind: Mapped[EffectKind] = mapped_column(
        vocab(EffectKind, "effect_kind"), default=EffectKind.symptom
    )
    body_system: Mapped[BodySystem | None] = mapped_column(vocab(BodySystem, "body_system"))
    # True when the system comes through another hierarchy's nearest match (HPO), not from
    # the term's own primary system organ class (MedDRA) or a curated statement.
    body_system_approximate: Mapped[bool | None] = mapped_column(Boolean)
    description: Mapped[str | None] = mapped_column(Text)
    umls_cui: Mapped[str | None] = mapped_column(String(20), unique=True)
    meddra_term: Mapped[str | None] = mapped_column(String(200))
    meddra_key: Mapped[str | None] = mapped_column(String(200), index=True)
    meddra_level: Mapped[MeddraLevel | None] = mapped_column(vocab(MeddraLevel, "meddra_level"))
    meddra_code: Mapped[int | None] = mapped_column(Integer, index=True)  # from a MedDRA import
    broader_id: Mapped[int | None] = mapped_column(
        ForeignKey("effect.id", ondelete="SET NULL"), index=True
    )
    release: Mapped[Release] = mapped_column(vocab(Release, "release"))


class EffectFact(Base):
    """One statement about a condition: a trigger, a management step, when to seek care ..."""

    __tablename__ = "effect_fact"

    id: Mapped[int] = mapped_column(primary_key=True)
    effect_id: Mapped[int] = mapped_column(ForeignKey("effect.id", ondelete="CASCADE"), index=True)
    aspect: Mapped[ProfileAspect] = mapped_column(vocab(ProfileAspect, "profile_aspect"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

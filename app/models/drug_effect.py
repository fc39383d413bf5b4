from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import Context, IncidenceBand, OnsetAnchor, Severity
from app.models.base import Base, vocab


class DrugEffect(Base):
    """One drug x one effect x one context (side effect, withdrawal, overdose).

    The summary values come from ``source_id``, the record's owner (a curated document, or an
    imported release when no curated record exists); every source's own values are in Evidence.
    """

    __tablename__ = "drug_effect"
    __table_args__ = (
        # Leads with drug_id, so it also serves "effects of this drug".
        UniqueConstraint("drug_id", "effect_id", "context"),
        # "Which drugs have this effect, in which context".
        Index("ix_drug_effect_effect_id_context", "effect_id", "context"),
        # "This drug's effects in list order": a page is an index range, with no sort.
        Index("ix_drug_effect_drug_id_list_rank", "drug_id", "list_rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    drug_id: Mapped[int] = mapped_column(ForeignKey("drug.id", ondelete="CASCADE"))
    effect_id: Mapped[int] = mapped_column(ForeignKey("effect.id", ondelete="RESTRICT"))
    context: Mapped[Context] = mapped_column(vocab(Context, "context"))
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), index=True)

    incidence_band: Mapped[IncidenceBand] = mapped_column(
        vocab(IncidenceBand, "incidence_band"), default=IncidenceBand.unknown
    )
    incidence_rank: Mapped[int] = mapped_column(default=0)  # denormalised for ORDER BY / filters
    # Position in the drug's effect list (most frequent first); the loaders set it after every
    # write (app/importers/list_order.py), so listing pages need no sort.
    list_rank: Mapped[int] = mapped_column(default=0, server_default="0")
    frequency: Mapped[float | None] = mapped_column(Float)  # fraction 0..1
    placebo_frequency: Mapped[float | None] = mapped_column(Float)
    incidence_wording: Mapped[str | None] = mapped_column(Text)

    onset_text: Mapped[str | None] = mapped_column(Text)
    onset_relative_to: Mapped[OnsetAnchor | None] = mapped_column(
        vocab(OnsetAnchor, "onset_anchor")
    )
    onset_min_days: Mapped[float | None] = mapped_column(Float)
    onset_max_days: Mapped[float | None] = mapped_column(Float)
    peak_text: Mapped[str | None] = mapped_column(Text)
    peak_min_days: Mapped[float | None] = mapped_column(Float)  # from onset to peak
    peak_max_days: Mapped[float | None] = mapped_column(Float)

    severity: Mapped[Severity | None] = mapped_column(vocab(Severity, "severity"))
    severity_note: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)


class DrugEffectPage(Base):
    """A drug's first effect-list page (no filters, default size), serialised at load time.

    The most requested read, answered with one lookup instead of being assembled. Loaders
    rewrite every page after writing (app/importers/list_order.py); a page written by other
    code (another `format`) is ignored until then.
    """

    __tablename__ = "drug_effect_page"

    drug_id: Mapped[int] = mapped_column(
        ForeignKey("drug.id", ondelete="CASCADE"), primary_key=True
    )
    format: Mapped[str] = mapped_column(String(32))
    total: Mapped[int]
    items: Mapped[str] = mapped_column(Text)  # the JSON array of the page's items


class DrugEffectSymptom(Base):
    """Symptoms that accompany a drug effect (links to other effects), in the source's order."""

    __tablename__ = "drug_effect_symptom"

    drug_effect_id: Mapped[int] = mapped_column(
        ForeignKey("drug_effect.id", ondelete="CASCADE"), primary_key=True
    )
    effect_id: Mapped[int] = mapped_column(
        ForeignKey("effect.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    position: Mapped[int]


class ManagementStep(Base):
    """What helps, in order."""

    __tablename__ = "management_step"

    drug_effect_id: Mapped[int] = mapped_column(
        ForeignKey("drug_effect.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class Evidence(Base):
    """Which source backs a drug effect, where in it, and (for imported data) its own values.

    One row per SIDER frequency row, so several trials for the same pair stay visible.
    """

    __tablename__ = "evidence"
    __table_args__ = (
        # Covers "which sources back these records" (list pages) without reading the rows.
        Index("ix_evidence_drug_effect_id_source_id", "drug_effect_id", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    drug_effect_id: Mapped[int] = mapped_column(ForeignKey("drug_effect.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), index=True)
    section: Mapped[str | None] = mapped_column(String(200))
    incidence_band: Mapped[IncidenceBand | None] = mapped_column(
        vocab(IncidenceBand, "evidence_incidence_band")
    )
    frequency_text: Mapped[str | None] = mapped_column(String(100))
    frequency_lower: Mapped[float | None] = mapped_column(Float)
    frequency_upper: Mapped[float | None] = mapped_column(Float)
    placebo: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)

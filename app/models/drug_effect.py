from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import (
    Context,
    Flag,
    IncidenceBand,
    IncidenceBasis,
    ItemKind,
    OnsetAnchor,
    Severity,
)
from app.models.base import Base, vocab


class DrugEffect(Base):
    """One drug x one effect x one context (side effect, withdrawal, overdose).

    Two kinds of columns. The curated statements (`curated`: wording, onset, severity; their
    lists in DrugEffectItem), each cited. And the derived read model, written only by
    app/readmodel/ after every load: the summary incidence from every source's
    values, the flag, and the positions in the drug's list and in the effect's.
    """

    __tablename__ = "drug_effect"
    __table_args__ = (
        # Leads with drug_id, so it also serves "effects of this drug".
        UniqueConstraint("drug_id", "effect_id", "context"),
        # The reverse lookup of an effect with no broader or narrower term: a page is an index
        # range, and its total one index entry (the last unflagged rank). Flag last: PostgreSQL
        # does not order an index by what follows `flag IS NULL`, so flag second sorted the
        # effect's every record per page; as a key it keeps the default filter in the index.
        Index("ix_drug_effect_effect_id_effect_rank_flag", "effect_id", "effect_rank", "flag"),
        # "This drug's effects in list order": a page is an index range, with no sort.
        Index("ix_drug_effect_drug_id_list_rank", "drug_id", "list_rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    drug_id: Mapped[int] = mapped_column(ForeignKey("drug.id", ondelete="CASCADE"))
    effect_id: Mapped[int] = mapped_column(ForeignKey("effect.id", ondelete="RESTRICT"))
    context: Mapped[Context] = mapped_column(vocab(Context, "context"))

    # Curated statements (all null unless `curated`).
    curated: Mapped[bool] = mapped_column(Boolean, default=False)
    incidence_wording: Mapped[str | None] = mapped_column(Text)
    onset_text: Mapped[str | None] = mapped_column(Text)
    onset_relative_to: Mapped[OnsetAnchor | None] = mapped_column(
        vocab(OnsetAnchor, "onset_anchor")
    )
    onset_min_days: Mapped[float | None] = mapped_column(Float)
    onset_max_days: Mapped[float | None] = mapped_column(Float)
    peak_text: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[Severity | None] = mapped_column(vocab(Severity, "severity"))
    severity_note: Mapped[str | None] = mapped_column(Text)

    # Derived (app/readmodel/): the summary incidence and where it comes from.
    summary_band: Mapped[IncidenceBand] = mapped_column(
        vocab(IncidenceBand, "summary_band"), default=IncidenceBand.unknown
    )
    summary_rank: Mapped[int] = mapped_column(default=0)  # INCIDENCE_RANK of the band
    frequency: Mapped[float | None] = mapped_column(Float)  # median of measured rows, 0..1
    frequency_low: Mapped[float | None] = mapped_column(Float)
    frequency_high: Mapped[float | None] = mapped_column(Float)
    placebo_frequency: Mapped[float | None] = mapped_column(Float)
    placebo_low: Mapped[float | None] = mapped_column(Float)
    placebo_high: Mapped[float | None] = mapped_column(Float)
    # Highest measured rate on the drug minus highest on placebo (readmodel/rules.summary).
    excess_over_placebo: Mapped[float | None] = mapped_column(Float)
    basis: Mapped[IncidenceBasis] = mapped_column(
        vocab(IncidenceBasis, "incidence_basis"), default=IncidenceBasis.document_wording
    )
    basis_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("source.id", ondelete="SET NULL"), index=True
    )
    measured_rows: Mapped[int] = mapped_column(default=0)
    flag: Mapped[Flag | None] = mapped_column(vocab(Flag, "flag"))
    flag_reason: Mapped[str | None] = mapped_column(String(300))
    list_rank: Mapped[int] = mapped_column(default=0)  # unflagged first, most frequent first
    effect_rank: Mapped[int] = mapped_column(default=0)  # position in its effect's drug list


class StoredRecord(Base):
    """A drug-effect record as the API serves it (JSON), so a page is read, not assembled.

    Written only by app/readmodel/stored.py with compose.py's records. A
    table of its own rather than a column of drug_effect: writing 145k new narrow rows took
    PostgreSQL a fraction of updating as many wide, indexed ones (see store_records)."""

    __tablename__ = "drug_effect_record"

    drug_effect_id: Mapped[int] = mapped_column(
        ForeignKey("drug_effect.id", ondelete="CASCADE"), primary_key=True
    )
    body: Mapped[bytes] = mapped_column(LargeBinary)


class DrugEffectItem(Base):
    """The list parts of a record, each a cited statement: accompanying symptoms (a link to
    another effect), management steps and notes, in the source's order."""

    __tablename__ = "drug_effect_item"
    __table_args__ = (Index("ix_drug_effect_item_record", "drug_effect_id", "kind", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    drug_effect_id: Mapped[int] = mapped_column(ForeignKey("drug_effect.id", ondelete="CASCADE"))
    kind: Mapped[ItemKind] = mapped_column(vocab(ItemKind, "item_kind"))
    position: Mapped[int]
    text: Mapped[str | None] = mapped_column(Text)
    effect_id: Mapped[int | None] = mapped_column(
        ForeignKey("effect.id", ondelete="RESTRICT"), index=True
    )


class Evidence(Base):
    """An imported source's own values for a record: one row per SIDER frequency row (so
    several trials for one pair stay visible), or one bare row for a pair listed without any."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_drug_effect_id_source_id", "drug_effect_id", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    drug_effect_id: Mapped[int] = mapped_column(ForeignKey("drug_effect.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), index=True)
    # The file the row is in. Null only on rows written before anchors existed (revision
    # 5b7e2f1c9a40), until the import that wrote them runs again.
    anchor_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_anchor.id", ondelete="CASCADE"), index=True
    )
    incidence_band: Mapped[IncidenceBand] = mapped_column(
        vocab(IncidenceBand, "evidence_incidence_band")
    )
    frequency_text: Mapped[str | None] = mapped_column(String(100))
    frequency_lower: Mapped[float | None] = mapped_column(Float)
    frequency_upper: Mapped[float | None] = mapped_column(Float)
    placebo: Mapped[bool] = mapped_column(Boolean, default=False)
    # The term as the label words it (SIDER's label concept: UMLS CUI and name), which the
    # record's preferred term stands for; null for sources that do not give one.
    label_cui: Mapped[str | None] = mapped_column(String(8))
    label_term: Mapped[str | None] = mapped_column(String(100))


class DrugEffectSource(Base):
    """Derived: which sources back each record (its citations and evidence), for the `source`
    filter and list rows. Written only by app/readmodel/record_sources.py."""

    __tablename__ = "drug_effect_source"

    drug_effect_id: Mapped[int] = mapped_column(
        ForeignKey("drug_effect.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("source.id", ondelete="CASCADE"), primary_key=True, index=True
    )

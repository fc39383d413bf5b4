from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import AnchorKind, SourceKind
from app.models.base import Base, vocab


class Source(Base):
    """A document, a dataset release or the curators' notes: what backs the statements."""

    __tablename__ = "source"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[SourceKind] = mapped_column(vocab(SourceKind, "source_kind"))
    publisher: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    published_date: Mapped[date | None] = mapped_column(Date)
    licence: Mapped[str | None] = mapped_column(String(200))
    document: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    # Derived (app/readmodel/record_sources.py): what the source backs, counted once per load.
    backing: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SourceAnchor(Base):
    """A place in a source a citation can point at: a heading (quoted exactly), a paragraph
    number (documents without headings), a file of a dataset, a section of the curators' notes."""

    __tablename__ = "source_anchor"
    __table_args__ = (UniqueConstraint("source_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(120))  # `managing-and-preventing-leg-cramps`, `p5`
    kind: Mapped[AnchorKind] = mapped_column(vocab(AnchorKind, "anchor_kind"))
    label: Mapped[str] = mapped_column(String(300))  # the heading, or what the paragraph is about
    position: Mapped[int]

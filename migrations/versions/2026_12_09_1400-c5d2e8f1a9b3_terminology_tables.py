"""terminology tables: the HPO release (terms, their UMLS concepts, is_a parents, layperson
synonyms) and the user's MedDRA distribution (SOCs, PTs with their primary SOC, LLTs), each
replaced whole by its loader and joined to effects by the read model.

No data: run `sidefx import hpo` / `sidefx import meddra DIR` after upgrading.

Revision ID: c5d2e8f1a9b3
Revises: a3f9d1c7e5b2
Create Date: 2026-12-09 14:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c5d2e8f1a9b3"
down_revision: str | None = "a3f9d1c7e5b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _term_child(table: str, column: sa.Column) -> None:
    """A table of (HPO term, value) pairs."""
    op.create_table(
        table,
        sa.Column("term_id", sa.String(length=12), nullable=False),
        column,
        sa.ForeignKeyConstraint(["term_id"], ["hpo_term.id"],
                                name=op.f(f"fk_{table}_term_id_hpo_term"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("term_id", column.name, name=op.f(f"pk_{table}")),
    )  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "hpo_term",
        sa.Column("id", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("obsolete", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hpo_term")),
    )
    _term_child("hpo_term_cui", sa.Column("cui", sa.String(length=20), nullable=False))
    op.create_index(op.f("ix_hpo_term_cui_cui"), "hpo_term_cui", ["cui"], unique=False)
    _term_child("hpo_term_parent", sa.Column("parent_id", sa.String(length=12), nullable=False))
    _term_child("hpo_lay_synonym", sa.Column("name", sa.String(length=300), nullable=False))
    op.create_table(
        "meddra_soc",
        sa.Column("code", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("abbrev", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_meddra_soc")),
    )
    op.create_table(
        "meddra_pt",
        sa.Column("code", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("soc_code", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["soc_code"], ["meddra_soc.code"],
                                name=op.f("fk_meddra_pt_soc_code_meddra_soc"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_meddra_pt")),
    )  # fmt: skip
    op.create_index(op.f("ix_meddra_pt_key"), "meddra_pt", ["key"], unique=False)
    op.create_table(
        "meddra_llt",
        sa.Column("code", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("pt_code", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["pt_code"], ["meddra_pt.code"],
                                name=op.f("fk_meddra_llt_pt_code_meddra_pt"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_meddra_llt")),
    )  # fmt: skip
    op.create_index(op.f("ix_meddra_llt_pt_code"), "meddra_llt", ["pt_code"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_meddra_llt_pt_code"), table_name="meddra_llt")
    op.drop_table("meddra_llt")
    op.drop_index(op.f("ix_meddra_pt_key"), table_name="meddra_pt")
    op.drop_table("meddra_pt")
    op.drop_table("meddra_soc")
    op.drop_table("hpo_lay_synonym")
    op.drop_table("hpo_term_parent")
    op.drop_index(op.f("ix_hpo_term_cui_cui"), table_name="hpo_term_cui")
    op.drop_table("hpo_term_cui")
    op.drop_table("hpo_term")

"""label terms on evidence, placebo range and excess, and the flags redone.

Evidence rows keep the term as the label words it (SIDER's label concept: its UMLS CUI and
name), which the record's preferred term stands for; records gain the range of their placebo
rows and the excess over placebo (derived). The flag vocabulary gains `system_heading` (a
label's system-organ-class heading read as an effect) and loses `not_above_placebo`: SIDER's
rows are not paired by trial, so a placebo comparison orders a list and hides nothing. Flags
are derived (the loaders write them), so a value the other vocabulary lacks is cleared first.
Run `sidefx seed` and `sidefx import sider DIR` after upgrading (the importer's and the record
format's versions change, so /readyz is not ready until they have run).

Revision ID: e1a7c3b9d204
Revises: b8e4d2a6c1f3
Create Date: 2026-12-07 23:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e1a7c3b9d204"
down_revision: str | None = "b8e4d2a6c1f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DERIVED = ("placebo_low", "placebo_high", "excess_over_placebo")
KEPT = ("procedure_or_therapy", "indication", "other_substance_withdrawal")
FLAGS_OLD = (*KEPT[:2], "not_above_placebo", KEPT[2])
FLAGS_NEW = (*KEPT, "system_heading")


def flag_type(*values: str) -> sa.Enum:
    return sa.Enum(*values, name="flag", native_enum=False, create_constraint=True, length=40)


def _change_flags(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    gone = ", ".join(f"'{v}'" for v in old if v not in new)
    op.execute(f"UPDATE drug_effect SET flag = NULL, flag_reason = NULL WHERE flag IN ({gone})")
    with op.batch_alter_table("drug_effect", schema=None) as batch_op:
        batch_op.alter_column(
            "flag", existing_type=flag_type(*old), type_=flag_type(*new), existing_nullable=True
        )


def upgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label_cui", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("label_term", sa.String(length=100), nullable=True))
    with op.batch_alter_table("drug_effect", schema=None) as batch_op:
        for column in DERIVED:
            batch_op.add_column(sa.Column(column, sa.Float(), nullable=True))
    _change_flags(FLAGS_OLD, FLAGS_NEW)


def downgrade() -> None:
    _change_flags(FLAGS_NEW, FLAGS_OLD)
    with op.batch_alter_table("drug_effect", schema=None) as batch_op:
        for column in reversed(DERIVED):
            batch_op.drop_column(column)
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_column("label_term")
        batch_op.drop_column("label_cui")

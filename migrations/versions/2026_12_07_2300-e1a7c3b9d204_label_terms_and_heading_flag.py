"""label terms on evidence, placebo range and excess, and the system_heading flag.

Evidence rows keep the term as the label words it (SIDER's label concept: its UMLS CUI and
name), which the record's preferred term stands for; records gain the range of their placebo
rows and the excess over placebo (derived); the flag vocabulary gains `system_heading` (a
label's system-organ-class heading read as an effect). Both are written by
the loaders: run `sidefx seed` and `sidefx import sider DIR` after upgrading (the importer's
and the record format's versions change, so /readyz is not ready until they have run).

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
FLAGS_OLD = (
    "procedure_or_therapy",
    "indication",
    "not_above_placebo",
    "other_substance_withdrawal",
)


def flag_type(*values: str) -> sa.Enum:
    return sa.Enum(*values, name="flag", native_enum=False, create_constraint=True, length=40)


def upgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label_cui", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("label_term", sa.String(length=100), nullable=True))
    with op.batch_alter_table("drug_effect", schema=None) as batch_op:
        for column in DERIVED:
            batch_op.add_column(sa.Column(column, sa.Float(), nullable=True))
        batch_op.alter_column(
            "flag",
            existing_type=flag_type(*FLAGS_OLD),
            type_=flag_type(*FLAGS_OLD, "system_heading"),
            existing_nullable=True,
        )


def downgrade() -> None:
    # The flag is derived (the loaders write it): the old vocabulary has no system_heading.
    op.execute(
        "UPDATE drug_effect SET flag = NULL, flag_reason = NULL WHERE flag = 'system_heading'"
    )
    with op.batch_alter_table("drug_effect", schema=None) as batch_op:
        batch_op.alter_column(
            "flag",
            existing_type=flag_type(*FLAGS_OLD, "system_heading"),
            type_=flag_type(*FLAGS_OLD),
            existing_nullable=True,
        )
        for column in reversed(DERIVED):
            batch_op.drop_column(column)
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_column("label_term")
        batch_op.drop_column("label_cui")

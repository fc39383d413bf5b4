"""drug effect effect rank: each effect's list of drugs in order (the reverse lookup).

The read model numbers the rows after every load (app/importers/derived.py); this migration
only adds the column and its index. The record format becomes record-3, so after upgrading
/readyz says not ready until `sidefx seed` (or any load) numbers them.

Revision ID: 7c3e9a1d5b20
Revises: 4f2a8c6d1e09
Create Date: 2026-12-01 19:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c3e9a1d5b20"
down_revision: str | None = "4f2a8c6d1e09"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("drug_effect", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("effect_rank", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index(
            "ix_drug_effect_effect_id_flag_effect_rank",
            ["effect_id", "flag", "effect_rank"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("drug_effect", schema=None) as batch_op:
        batch_op.drop_index("ix_drug_effect_effect_id_flag_effect_rank")
        batch_op.drop_column("effect_rank")

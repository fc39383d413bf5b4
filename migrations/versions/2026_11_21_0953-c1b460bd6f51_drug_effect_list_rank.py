"""drug effect list rank: each drug's effect list in order, so a page needs no sort.

The loaders number the rows (app/importers/derived.py, after every load); this migration only
adds the column. (It once numbered existing rows itself: migrations hold no data, so that
UPDATE is gone and `sidefx seed` renumbers.)

Revision ID: c1b460bd6f51
Revises: c2cb2a3e464d
Create Date: 2026-11-21 09:53:47.685365+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c1b460bd6f51"
down_revision: str | None = "c2cb2a3e464d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("drug_effect", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("list_rank", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index(
            "ix_drug_effect_drug_id_list_rank", ["drug_id", "list_rank"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("drug_effect", schema=None) as batch_op:
        batch_op.drop_index("ix_drug_effect_drug_id_list_rank")
        batch_op.drop_column("list_rank")


"""drug effect first pages: each drug's first effect-list page, serialised by the loaders.

Empty after upgrading: `sidefx seed` (and every import) writes the pages; until then the API
assembles them as before.

Revision ID: 78b11056320f
Revises: 3c622ddb5d82
Create Date: 2026-11-21 11:02:29.008935+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "78b11056320f"
down_revision: str | None = "3c622ddb5d82"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drug_effect_page",
        sa.Column("drug_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["drug_id"],
            ["drug.id"],
            name=op.f("fk_drug_effect_page_drug_id_drug"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("drug_id", name=op.f("pk_drug_effect_page")),
    )


def downgrade() -> None:
    op.drop_table("drug_effect_page")
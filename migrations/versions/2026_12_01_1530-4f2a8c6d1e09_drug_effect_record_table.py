"""Stored records move from drug_effect.record_json to a table of their own, drug_effect_record.

Derived data (app/importers/derived_records.py writes it at the end of every load); no data here.
New narrow rows are written far faster than wide indexed rows are updated (PostgreSQL). The
record format becomes record-2, so after upgrading /readyz says not ready until `sidefx seed`
(or any load) writes the records.

Revision ID: 4f2a8c6d1e09
Revises: 9d4c1e7a2b63
Create Date: 2026-12-01 15:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4f2a8c6d1e09"
down_revision: str | None = "9d4c1e7a2b63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drug_effect_record",
        sa.Column("drug_effect_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["drug_effect_id"],
            ["drug_effect.id"],
            name=op.f("fk_drug_effect_record_drug_effect_id_drug_effect"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("drug_effect_id", name=op.f("pk_drug_effect_record")),
    )
    with op.batch_alter_table("drug_effect") as batch:
        batch.drop_column("record_json")


def downgrade() -> None:
    with op.batch_alter_table("drug_effect") as batch:
        batch.add_column(sa.Column("record_json", sa.LargeBinary(), nullable=True))
    op.drop_table("drug_effect_record")

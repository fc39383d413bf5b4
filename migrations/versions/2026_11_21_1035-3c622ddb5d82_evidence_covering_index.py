"""evidence covering index: (drug_effect_id, source_id) replaces (drug_effect_id), so list pages
read the sources behind their records from the index alone.

Revision ID: 3c622ddb5d82
Revises: c1b460bd6f51
Create Date: 2026-11-21 10:35:37.234727+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3c622ddb5d82"
down_revision: str | None = "c1b460bd6f51"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_drug_effect_id"))
        batch_op.create_index(
            "ix_evidence_drug_effect_id_source_id", ["drug_effect_id", "source_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_drug_effect_id_source_id")
        batch_op.create_index(
            batch_op.f("ix_evidence_drug_effect_id"), ["drug_effect_id"], unique=False
        )

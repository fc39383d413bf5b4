"""drug_effect.record_json: each record as the API serves it, written by the read model.

Derived data (app/importers/derived.py writes it at the end of every load); no data here.
After upgrading, `sidefx seed` fills it (the read model's format is recorded in data_release
as `read-model`, and a load runs whenever that format is not the code's).

Revision ID: 9d4c1e7a2b63
Revises: 5b7e2f1c9a40
Create Date: 2026-12-01 14:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d4c1e7a2b63"
down_revision: str | None = "5b7e2f1c9a40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("drug_effect") as batch:
        batch.add_column(sa.Column("record_json", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drug_effect") as batch:
        batch.drop_column("record_json")
    op.execute("DELETE FROM data_release WHERE name = 'read-model'")

"""drug codes from terminology releases: the codes the user's RxNorm release and WHO ATC index
give a drug (its ingredient's RXCUI, its ATC codes), beside the curated `drug.atc_code` /
`drug.rxcui` (a drug may have several ATC codes; reloading the seed leaves them).

No data: run `sidefx import rxnorm DIR` / `sidefx import atc FILE` after upgrading.

Revision ID: a3f9d1c7e5b2
Revises: f2b8d4c6e1a5
Create Date: 2026-12-09 12:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a3f9d1c7e5b2"
down_revision: str | None = "f2b8d4c6e1a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RELEASES = ("seed", "sider", "hpo", "meddra", "rxnorm", "atc")


def vocab(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def upgrade() -> None:
    op.create_table(
        "drug_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drug_id", sa.Integer(), nullable=False),
        sa.Column("system", vocab("drug_code_system", "atc", "rxnorm"), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("release", vocab("release", *RELEASES), nullable=False),
        sa.ForeignKeyConstraint(
            ["drug_id"], ["drug.id"], name=op.f("fk_drug_code_drug_id_drug"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drug_code")),
        sa.UniqueConstraint(
            "drug_id", "system", "code", name=op.f("uq_drug_code_drug_id_system_code")
        ),
    )
    op.create_index("ix_drug_code_system_code", "drug_code", ["system", "code"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_drug_code_system_code", table_name="drug_code")
    op.drop_table("drug_code")

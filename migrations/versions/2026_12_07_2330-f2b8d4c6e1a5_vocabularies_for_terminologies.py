"""vocabularies for terminologies: HPO, MedDRA, RxNorm and ATC releases; lower-level terms and
lay synonyms as alias kinds; more kinds of effect and body systems; an effect's MedDRA code
and whether its body system is approximate.

The loaders of those terminologies write the rows; this migration only widens the CHECKed
vocabularies and adds two nullable columns. Downgrading clears what the narrower
vocabularies cannot hold: rows that only those loaders write (their releases' aliases and
rows), and the derived kinds and systems (set back to `symptom` and null).

Revision ID: f2b8d4c6e1a5
Revises: e1a7c3b9d204
Create Date: 2026-12-07 23:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f2b8d4c6e1a5"
down_revision: str | None = "e1a7c3b9d204"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RELEASES_OLD = ("seed", "sider")
RELEASES_NEW = (*RELEASES_OLD, "hpo", "meddra", "rxnorm", "atc")
RELEASE_TABLES = ("drug", "drug_use", "drug_warning", "effect", "alias")
ALIAS_KINDS_OLD = ("brand", "synonym", "abbreviation", "misspelling")
ALIAS_KINDS_NEW = (*ALIAS_KINDS_OLD, "lower_level_term", "lay_synonym")
EFFECT_KINDS_OLD = ("symptom", "condition")
EFFECT_KINDS_NEW = (*EFFECT_KINDS_OLD, "sign", "laboratory_finding", "infection", "neoplasm",
                    "injury", "procedure", "unknown")  # fmt: skip
SYSTEMS_OLD = ("musculoskeletal", "nervous", "psychiatric", "respiratory", "cardiovascular",
               "gastrointestinal", "metabolic", "general", "other")  # fmt: skip
SYSTEMS_NEW = (*SYSTEMS_OLD, "skin", "eye", "ear", "blood", "immune", "endocrine",
               "renal_urinary", "reproductive", "hepatobiliary", "neoplasms", "infections",
               "injury", "investigations", "pregnancy", "congenital", "procedures")  # fmt: skip


def vocab(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def _alter(table: str, column: str, name: str, old: tuple[str, ...], new: tuple[str, ...],
           nullable: bool) -> None:  # fmt: skip
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column(
            column, existing_type=vocab(name, old), type_=vocab(name, new),
            existing_nullable=nullable,
        )  # fmt: skip


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade() -> None:
    for table in RELEASE_TABLES:
        _alter(table, "release", "release", RELEASES_OLD, RELEASES_NEW, False)
    _alter("alias", "kind", "alias_kind", ALIAS_KINDS_OLD, ALIAS_KINDS_NEW, False)
    _alter("effect", "kind", "effect_kind", EFFECT_KINDS_OLD, EFFECT_KINDS_NEW, False)
    _alter("effect", "body_system", "body_system", SYSTEMS_OLD, SYSTEMS_NEW, True)
    with op.batch_alter_table("effect", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_system_approximate", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("meddra_code", sa.Integer(), nullable=True))
        batch_op.create_index("ix_effect_meddra_code", ["meddra_code"])


def downgrade() -> None:
    with op.batch_alter_table("effect", schema=None) as batch_op:
        batch_op.drop_index("ix_effect_meddra_code")
        batch_op.drop_column("meddra_code")
        batch_op.drop_column("body_system_approximate")
    new_kinds = _quoted(EFFECT_KINDS_NEW[len(EFFECT_KINDS_OLD) :])
    op.execute(f"UPDATE effect SET kind = 'symptom' WHERE kind IN ({new_kinds})")
    new_systems = _quoted(SYSTEMS_NEW[len(SYSTEMS_OLD) :])
    op.execute(f"UPDATE effect SET body_system = NULL WHERE body_system IN ({new_systems})")
    new_releases = _quoted(RELEASES_NEW[len(RELEASES_OLD) :])
    op.execute(f"DELETE FROM alias WHERE release IN ({new_releases})")
    new_alias_kinds = _quoted(ALIAS_KINDS_NEW[len(ALIAS_KINDS_OLD) :])
    op.execute(f"DELETE FROM alias WHERE kind IN ({new_alias_kinds})")
    for table in ("drug_use", "drug_warning"):
        op.execute(f"DELETE FROM {table} WHERE release IN ({new_releases})")
    _alter("effect", "body_system", "body_system", SYSTEMS_NEW, SYSTEMS_OLD, True)
    _alter("effect", "kind", "effect_kind", EFFECT_KINDS_NEW, EFFECT_KINDS_OLD, False)
    _alter("alias", "kind", "alias_kind", ALIAS_KINDS_NEW, ALIAS_KINDS_OLD, False)
    for table in RELEASE_TABLES:
        _alter(table, "release", "release", RELEASES_NEW, RELEASES_OLD, False)

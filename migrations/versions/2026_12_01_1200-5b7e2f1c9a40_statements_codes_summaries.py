"""statements, codes and summaries: citations per statement with source anchors; effects as
MedDRA concepts (codes, broader terms); drug classes; the derived summary incidence, flags and
record sources; list items of records in one table.

Existing rows are kept: accompanying symptoms and management steps move into
drug_effect_item, every row gets the release that wrote it (the seed, or SIDER), names their
lookup key. What the new schema holds that the old did not (citations, anchors, summaries,
codes) is written by the loaders: run `sidefx seed` and `sidefx import sider DIR` after
upgrading (their release checksums include the loader's format, so both reload). The old
per-field citations and the stored first pages are dropped: they were wrong (per field, not
per statement) or derived, and the loaders rewrite what replaces them.

Revision ID: 5b7e2f1c9a40
Revises: 78b11056320f
Create Date: 2026-12-01 12:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b7e2f1c9a40"
down_revision: str | None = "78b11056320f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def vocab(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


RELEASE = ("seed", "sider")
BANDS = ("very_common", "common", "uncommon", "rare", "very_rare", "unknown")
SOURCE_KINDS_OLD = ("article", "blog_post", "drug_label", "database_release")
ALIAS_KINDS_OLD = ("brand", "synonym", "abbreviation", "misspelling", "generic")
TARGETS = ("drug_id", "effect_id", "drug_effect_id", "drug_effect_item_id", "effect_fact_id",
           "drug_use_id", "drug_warning_id", "class_member_id", "alias_id")  # fmt: skip
ONE_OF_THREE = " + ".join(
    f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in ("drug_id", "effect_id", "class_id")
) + " = 1"
# The release that wrote a row, from the source it cited: SIDER's rows cite a dataset release.
SIDER_SOURCES = "(SELECT id FROM source WHERE kind = 'database_release')"


def fk(column: str, table: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{table}.id"], ondelete=ondelete)


def upgrade() -> None:
    _create_tables()
    with op.batch_alter_table("source") as b:
        b.alter_column("kind", existing_type=vocab("source_kind", *SOURCE_KINDS_OLD),
                       type_=vocab("source_kind", *SOURCE_KINDS_OLD, "curation"))  # fmt: skip
        b.add_column(sa.Column("backing", sa.JSON(), nullable=True))
    _upgrade_alias()
    _upgrade_drug()
    _upgrade_effect()
    _upgrade_drug_effect()
    for table in ("drug_use", "drug_warning"):
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
            b.add_column(sa.Column("release", vocab("release", *RELEASE), nullable=False,
                                   server_default="seed"))  # fmt: skip
        op.execute(f"UPDATE {table} SET release = 'sider' WHERE source_id IN {SIDER_SOURCES}")
        with op.batch_alter_table(table) as b:
            if table == "drug_warning":
                b.add_column(sa.Column("interacts_with", sa.JSON(), nullable=True))
            b.drop_index(f"ix_{table}_source_id")
            b.drop_constraint(f"fk_{table}_source_id_source", type_="foreignkey")
            b.drop_column("section")
            b.drop_column("source_id")
    with op.batch_alter_table("effect_fact") as b:
        b.drop_index("ix_effect_fact_source_id")
        b.drop_constraint("fk_effect_fact_source_id_source", type_="foreignkey")
        b.drop_column("section")
        b.drop_column("source_id")
    with op.batch_alter_table("evidence") as b:
        b.add_column(sa.Column("anchor_id", sa.Integer(), nullable=True))
        b.create_index("ix_evidence_anchor_id", ["anchor_id"])
        b.create_foreign_key("fk_evidence_anchor_id_source_anchor", "source_anchor",
                             ["anchor_id"], ["id"], ondelete="CASCADE")  # fmt: skip
        b.drop_column("section")
        b.drop_column("note")
    op.execute("UPDATE evidence SET incidence_band = 'unknown' WHERE incidence_band IS NULL")
    with op.batch_alter_table("evidence") as b:
        b.alter_column("incidence_band", existing_type=vocab("evidence_incidence_band", *BANDS),
                       nullable=False)  # fmt: skip
    _move_items_in()
    for table in ("drug_citation", "effect_citation", "effect_relation", "drug_effect_page"):
        op.drop_table(table)


def _create_tables() -> None:
    op.create_table(
        "drug_class",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(80), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False, index=True),
        sa.Column("description", sa.Text()),
    )
    op.create_table(
        "drug_class_member",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("drug_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        fk("class_id", "drug_class"),
        fk("drug_id", "drug"),
        sa.UniqueConstraint("drug_id", "class_id"),
    )
    op.create_table(
        "source_anchor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("kind", vocab("anchor_kind", "heading", "paragraph", "file", "section"),
                  nullable=False),  # fmt: skip
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        fk("source_id", "source"),
        sa.UniqueConstraint("source_id", "key"),
    )
    op.create_table(
        "drug_effect_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("drug_effect_id", sa.Integer(), nullable=False),
        sa.Column("kind", vocab("item_kind", "accompanying", "management", "note"),
                  nullable=False),  # fmt: skip
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text()),
        sa.Column("effect_id", sa.Integer(), index=True),
        fk("drug_effect_id", "drug_effect"),
        fk("effect_id", "effect", "RESTRICT"),
        sa.Index("ix_drug_effect_item_record", "drug_effect_id", "kind", "position"),
    )
    op.create_table(
        "drug_effect_source",
        sa.Column("drug_effect_id", sa.Integer(), primary_key=True),
        sa.Column("source_id", sa.Integer(), primary_key=True, index=True),
        fk("drug_effect_id", "drug_effect"),
        fk("source_id", "source"),
    )
    op.create_table(
        "citation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("anchor_id", sa.Integer(), nullable=False, index=True),
        sa.Column("part", sa.String(40)),
        *(sa.Column(c, sa.Integer(), index=True) for c in TARGETS),
        sa.CheckConstraint(
            " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in TARGETS) + " = 1",
            name="one_target",
        ),
        fk("anchor_id", "source_anchor"),
        fk("drug_id", "drug"),
        fk("effect_id", "effect"),
        fk("drug_effect_id", "drug_effect"),
        fk("drug_effect_item_id", "drug_effect_item"),
        fk("effect_fact_id", "effect_fact"),
        fk("drug_use_id", "drug_use"),
        fk("drug_warning_id", "drug_warning"),
        fk("class_member_id", "drug_class_member"),
        fk("alias_id", "alias"),
    )


def _upgrade_alias() -> None:
    with op.batch_alter_table("alias") as b:
        b.add_column(sa.Column("class_id", sa.Integer(), nullable=True))
        b.add_column(sa.Column("release", vocab("release", *RELEASE), nullable=False,
                               server_default="seed"))  # fmt: skip
    op.execute("UPDATE alias SET release = 'sider' WHERE source_id IS NOT NULL")
    with op.batch_alter_table("alias") as b:
        b.drop_constraint(op.f("ck_alias_one_target"), type_="check")
        b.create_check_constraint("one_target", ONE_OF_THREE)
        b.drop_index("ix_alias_source_id")
        b.drop_constraint("fk_alias_source_id_source", type_="foreignkey")
        b.drop_column("source_id")
        b.create_index("ix_alias_class_id", ["class_id"])
        b.create_index("ix_alias_key_class", ["key", "class_id"], unique=True)
        b.create_foreign_key("fk_alias_class_id_drug_class", "drug_class", ["class_id"], ["id"],
                             ondelete="CASCADE")  # fmt: skip
        b.alter_column("kind", existing_type=vocab("alias_kind", *ALIAS_KINDS_OLD),
                       type_=vocab("alias_kind", *ALIAS_KINDS_OLD[:-1]))  # fmt: skip


def _upgrade_drug() -> None:
    with op.batch_alter_table("drug") as b:
        b.add_column(sa.Column("key", sa.String(200), nullable=False, server_default=""))
        b.add_column(sa.Column("ingredient_key", sa.String(200), nullable=False, server_default=""))
        b.add_column(sa.Column("release", vocab("release", *RELEASE), nullable=False,
                               server_default="sider"))  # fmt: skip
    # Until the loaders rewrite them: lower-case names as keys; curated drugs were cited.
    op.execute("UPDATE drug SET key = lower(name), ingredient_key = lower(name)")
    op.execute("UPDATE drug SET release = 'seed' WHERE id IN (SELECT drug_id FROM drug_citation)")
    with op.batch_alter_table("drug") as b:
        b.alter_column("dependence_risk", existing_type=vocab("dependence_risk", "low",
                       "moderate", "high", "unknown"), nullable=True)  # fmt: skip
        b.alter_column("formulations", existing_type=sa.JSON(), nullable=True)
        b.drop_index("ix_drug_drug_class")
        b.drop_index("ix_drug_name")
        b.drop_column("drug_class")
        for column in ("key", "ingredient_key", "atc_code", "rxcui"):
            b.create_index(f"ix_drug_{column}", [column])


def _upgrade_effect() -> None:
    with op.batch_alter_table("effect") as b:
        b.add_column(sa.Column("key", sa.String(200), nullable=False, server_default=""))
        b.add_column(sa.Column("meddra_key", sa.String(200), nullable=True))
        b.add_column(sa.Column("meddra_level", vocab("meddra_level", "pt", "llt"), nullable=True))
        b.add_column(sa.Column("broader_id", sa.Integer(), nullable=True))
        b.add_column(sa.Column("release", vocab("release", *RELEASE), nullable=False,
                               server_default="seed"))  # fmt: skip
    op.execute("UPDATE effect SET key = lower(name), meddra_key = lower(meddra_term)")
    op.execute("UPDATE effect SET release = 'sider', meddra_level = 'pt' WHERE umls_cui IS NOT NULL")
    with op.batch_alter_table("effect") as b:
        b.drop_index("ix_effect_name")
        for column in ("key", "meddra_key", "broader_id"):
            b.create_index(f"ix_effect_{column}", [column])
        b.create_foreign_key("fk_effect_broader_id_effect", "effect", ["broader_id"], ["id"],
                             ondelete="SET NULL")  # fmt: skip


def _upgrade_drug_effect() -> None:
    with op.batch_alter_table("drug_effect") as b:
        b.add_column(sa.Column("curated", sa.Boolean(), nullable=False, server_default=sa.false()))
        b.add_column(sa.Column("summary_band", vocab("summary_band", *BANDS), nullable=False,
                               server_default="unknown"))  # fmt: skip
        b.add_column(sa.Column("summary_rank", sa.Integer(), nullable=False, server_default="0"))
        b.add_column(sa.Column("frequency_low", sa.Float()))
        b.add_column(sa.Column("frequency_high", sa.Float()))
        b.add_column(sa.Column("basis", vocab("incidence_basis", "measured", "label_words",
                               "document_wording", "listed_without_frequency"), nullable=False,
                               server_default="document_wording"))  # fmt: skip
        b.add_column(sa.Column("basis_source_id", sa.Integer()))
        b.add_column(sa.Column("measured_rows", sa.Integer(), nullable=False, server_default="0"))
        b.add_column(sa.Column("flag", vocab("flag", "procedure_or_therapy", "indication",
                               "not_above_placebo", "other_substance_withdrawal")))  # fmt: skip
        b.add_column(sa.Column("flag_reason", sa.String(300)))
    op.execute(
        "UPDATE drug_effect SET curated = (source_id NOT IN "
        f"{SIDER_SOURCES}), summary_band = incidence_band, summary_rank = incidence_rank"
    )
    with op.batch_alter_table("drug_effect") as b:
        b.drop_index("ix_drug_effect_effect_id_context")
        b.drop_index("ix_drug_effect_source_id")
        b.drop_constraint("fk_drug_effect_source_id_source", type_="foreignkey")
        b.drop_constraint(op.f("ck_drug_effect_incidence_band"), type_="check")
        for column in ("peak_min_days", "peak_max_days", "incidence_rank", "incidence_band",
                       "source_id", "notes"):  # fmt: skip
            b.drop_column(column)
        b.create_index("ix_drug_effect_basis_source_id", ["basis_source_id"])
        b.create_index("ix_drug_effect_effect_id_rank", ["effect_id", "summary_rank"])
        b.create_foreign_key("fk_drug_effect_basis_source_id_source", "source",
                             ["basis_source_id"], ["id"], ondelete="SET NULL")  # fmt: skip


def _move_items_in() -> None:
    op.execute(
        "INSERT INTO drug_effect_item (drug_effect_id, kind, position, text, effect_id) "
        "SELECT drug_effect_id, 'accompanying', position, NULL, effect_id FROM drug_effect_symptom"
    )
    op.execute(
        "INSERT INTO drug_effect_item (drug_effect_id, kind, position, text, effect_id) "
        "SELECT drug_effect_id, 'management', position, text, NULL FROM management_step"
    )
    op.drop_table("drug_effect_symptom")
    op.drop_table("management_step")


def downgrade() -> None:
    """Back to the old schema, keeping what it can hold: records, their symptoms and steps,
    uses, warnings, facts, aliases and evidence (curated ones cite their first source)."""
    _old_tables()
    op.execute(
        "INSERT INTO drug_effect_symptom (drug_effect_id, effect_id, position) "
        "SELECT drug_effect_id, effect_id, min(position) FROM drug_effect_item "
        "WHERE kind = 'accompanying' GROUP BY drug_effect_id, effect_id"
    )
    op.execute(
        "INSERT INTO management_step (drug_effect_id, position, text) "
        "SELECT drug_effect_id, position, text FROM drug_effect_item WHERE kind = 'management'"
    )
    first_source = "(SELECT min(id) FROM source)"
    sider_source = f"(SELECT min(id) FROM source WHERE kind = 'database_release')"
    for table in ("drug_use", "drug_warning", "effect_fact"):
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
            b.add_column(sa.Column("section", sa.String(200)))
        owner = (f"CASE WHEN release = 'sider' THEN {sider_source} ELSE {first_source} END"
                 if table != "effect_fact" else first_source)  # fmt: skip
        op.execute(f"UPDATE {table} SET source_id = {owner}")
        with op.batch_alter_table(table) as b:
            b.alter_column("source_id", existing_type=sa.Integer(), nullable=False)
            b.create_index(f"ix_{table}_source_id", ["source_id"])
            b.create_foreign_key(f"fk_{table}_source_id_source", "source", ["source_id"], ["id"],
                                 ondelete="CASCADE")  # fmt: skip
            if table != "effect_fact":
                b.drop_constraint(op.f(f"ck_{table}_release"), type_="check")
                b.drop_column("release")
                b.drop_column("position")
            if table == "drug_warning":
                b.drop_column("interacts_with")
    with op.batch_alter_table("evidence") as b:
        b.add_column(sa.Column("section", sa.String(200)))
        b.add_column(sa.Column("note", sa.Text()))
        b.alter_column("incidence_band", existing_type=vocab("evidence_incidence_band", *BANDS),
                       nullable=True)  # fmt: skip
        b.drop_constraint("fk_evidence_anchor_id_source_anchor", type_="foreignkey")
        b.drop_index("ix_evidence_anchor_id")
        b.drop_column("anchor_id")
    _downgrade_drug_effect(first_source, sider_source)
    with op.batch_alter_table("effect") as b:
        b.drop_constraint("fk_effect_broader_id_effect", type_="foreignkey")
        for column in ("key", "meddra_key", "broader_id"):
            b.drop_index(f"ix_effect_{column}")
        b.create_index("ix_effect_name", ["name"])
        b.drop_constraint(op.f("ck_effect_release"), type_="check")
        b.drop_constraint(op.f("ck_effect_meddra_level"), type_="check")
        for column in ("release", "broader_id", "meddra_level", "meddra_key", "key"):
            b.drop_column(column)
    with op.batch_alter_table("drug") as b:
        b.add_column(sa.Column("drug_class", sa.String(200)))
        for column in ("key", "ingredient_key", "atc_code", "rxcui"):
            b.drop_index(f"ix_drug_{column}")
        b.create_index("ix_drug_name", ["name"])
        b.create_index("ix_drug_drug_class", ["drug_class"])
    op.execute("UPDATE drug SET formulations = '[]' WHERE formulations IS NULL")
    op.execute("UPDATE drug SET dependence_risk = 'unknown' WHERE dependence_risk IS NULL")
    with op.batch_alter_table("drug") as b:
        b.alter_column("formulations", existing_type=sa.JSON(), nullable=False)
        b.alter_column("dependence_risk", existing_type=vocab("dependence_risk", "low",
                       "moderate", "high", "unknown"), nullable=False)  # fmt: skip
        b.drop_constraint(op.f("ck_drug_release"), type_="check")
        for column in ("release", "ingredient_key", "key"):
            b.drop_column(column)
    with op.batch_alter_table("alias") as b:
        b.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
    op.execute(f"UPDATE alias SET source_id = {sider_source} WHERE release = 'sider'")
    op.execute("DELETE FROM alias WHERE class_id IS NOT NULL")  # the old schema has no classes
    with op.batch_alter_table("alias") as b:
        b.drop_constraint("fk_alias_class_id_drug_class", type_="foreignkey")
        b.drop_index("ix_alias_key_class")
        b.drop_index("ix_alias_class_id")
        b.drop_constraint(op.f("ck_alias_one_target"), type_="check")
        b.create_check_constraint("one_target", "(drug_id IS NULL) <> (effect_id IS NULL)")
        b.create_index("ix_alias_source_id", ["source_id"])
        b.create_foreign_key("fk_alias_source_id_source", "source", ["source_id"], ["id"],
                             ondelete="CASCADE")  # fmt: skip
        b.drop_constraint(op.f("ck_alias_release"), type_="check")
        b.drop_column("release")
        b.drop_column("class_id")
        b.alter_column("kind", existing_type=vocab("alias_kind", *ALIAS_KINDS_OLD[:-1]),
                       type_=vocab("alias_kind", *ALIAS_KINDS_OLD))  # fmt: skip
    op.execute("DELETE FROM source WHERE kind = 'curation'")
    with op.batch_alter_table("source") as b:
        b.alter_column("kind", existing_type=vocab("source_kind", *SOURCE_KINDS_OLD, "curation"),
                       type_=vocab("source_kind", *SOURCE_KINDS_OLD))  # fmt: skip
        b.drop_column("backing")
    for table in ("citation", "drug_effect_source", "drug_effect_item", "source_anchor",
                  "drug_class_member", "drug_class"):  # fmt: skip
        op.drop_table(table)


def _downgrade_drug_effect(first_source: str, sider_source: str) -> None:
    with op.batch_alter_table("drug_effect") as b:
        b.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
        b.add_column(sa.Column("incidence_band", vocab("incidence_band", *BANDS), nullable=False,
                               server_default="unknown"))  # fmt: skip
        b.add_column(sa.Column("incidence_rank", sa.Integer(), nullable=False, server_default="0"))
        b.add_column(sa.Column("peak_min_days", sa.Float()))
        b.add_column(sa.Column("peak_max_days", sa.Float()))
        b.add_column(sa.Column("notes", sa.Text()))
    op.execute(
        "UPDATE drug_effect SET incidence_band = summary_band, incidence_rank = summary_rank, "
        f"source_id = CASE WHEN curated THEN {first_source} ELSE {sider_source} END"
    )
    with op.batch_alter_table("drug_effect") as b:
        b.alter_column("source_id", existing_type=sa.Integer(), nullable=False)
        b.drop_constraint("fk_drug_effect_basis_source_id_source", type_="foreignkey")
        b.drop_index("ix_drug_effect_effect_id_rank")
        b.drop_index("ix_drug_effect_basis_source_id")
        b.create_index("ix_drug_effect_source_id", ["source_id"])
        b.create_index("ix_drug_effect_effect_id_context", ["effect_id", "context"])
        b.create_foreign_key("fk_drug_effect_source_id_source", "source", ["source_id"], ["id"],
                             ondelete="CASCADE")  # fmt: skip
        for check in ("summary_band", "incidence_basis", "flag"):
            b.drop_constraint(op.f(f"ck_drug_effect_{check}"), type_="check")
        for column in ("flag_reason", "flag", "measured_rows", "basis_source_id", "basis",
                       "frequency_high", "frequency_low", "summary_rank", "summary_band",
                       "curated"):  # fmt: skip
            b.drop_column(column)


def _old_tables() -> None:
    op.create_table(
        "drug_effect_symptom",
        sa.Column("drug_effect_id", sa.Integer(), primary_key=True),
        sa.Column("effect_id", sa.Integer(), primary_key=True, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        fk("drug_effect_id", "drug_effect"),
        fk("effect_id", "effect", "RESTRICT"),
    )
    op.create_table(
        "management_step",
        sa.Column("drug_effect_id", sa.Integer(), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
        fk("drug_effect_id", "drug_effect"),
    )
    for table, owner in (("drug_citation", "drug"), ("effect_citation", "effect")):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column(f"{owner}_id", sa.Integer(), nullable=False, index=True),
            sa.Column("attribute", sa.String(40), nullable=False),
            sa.Column("source_id", sa.Integer(), nullable=False, index=True),
            sa.Column("section", sa.String(200)),
            fk(f"{owner}_id", owner),
            fk("source_id", "source"),
        )
    op.create_table(
        "effect_relation",
        sa.Column("effect_id", sa.Integer(), primary_key=True),
        sa.Column("related_id", sa.Integer(), primary_key=True, index=True),
        fk("effect_id", "effect"),
        fk("related_id", "effect"),
    )
    op.create_table(
        "drug_effect_page",
        sa.Column("drug_id", sa.Integer(), primary_key=True),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        fk("drug_id", "drug"),
    )

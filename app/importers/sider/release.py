"""One SIDER release written afresh: what the last import wrote is deleted, then the staged
rows are matched by code and written (records, evidence, uses, aliases), each statement cited to
the file it comes from, and the read model refreshed. Part of `sidefx import sider` (load.py).
"""

from collections.abc import Iterable
from itertools import islice
from typing import Any

from sqlalchemy import case, delete, exists, func, insert, literal, select, true
from sqlalchemy.orm import Session

from app.db_bulk import analyze
from app.enums import Context, Release, SourceKind
from app.importers.derived_keys import rekey
from app.importers.recompute import recompute
from app.importers.sider.aliases import alias_rows
from app.importers.sider.files import (
    ERRATA,
    FREQUENCIES,
    INDICATIONS,
    MAPPING,
    SIDE_EFFECTS,
    Progress,
)
from app.importers.sider.match import match_drugs, match_effects
from app.importers.sider.prune import prune_orphans
from app.importers.sider.read import SiderData
from app.importers.sider.release_guard import Guard, check_release, release_counts
from app.importers.sider.report import SiderReport
from app.importers.sider.stage import DRUG_MAP, EFFECT_MAP, Stage
from app.importers.sider.terms import label_term_aliases
from app.importers.sider.write import release_keys, write_evidence, write_records, write_uses
from app.importers.sources import upsert_source
from app.importers.terminology.effects import links as terminology_links
from app.models import (
    Alias,
    Citation,
    Drug,
    DrugEffect,
    DrugUse,
    Effect,
    Evidence,
    Source,
    SourceAnchor,
)

RELEASE = Release.sider  # DataRelease name: its checksum feeds /v1/meta's data_version
SOURCE: dict[str, Any] = {
    "slug": "sider-4-1",
    "title": "SIDER 4.1 (Side Effect Resource)",
    "kind": SourceKind.database_release,
    "publisher": "EMBL",
    "url": "http://sideeffects.embl.de",
    "published_date": None,
    "licence": "CC BY-NC-SA 4.0",
    "document": None,
    "summary": (
        "Side effects, their frequencies (with placebo rates) and indications mined from drug "
        "labels, coded as MedDRA preferred terms; drug names from SIDER 4.0's label mapping. "
        "Frequency rows SIDER's maintainers list as extraction errors are left out."
    ),
}
ANCHORS = {
    SIDE_EFFECTS: "meddra_all_se.tsv: drug-side effect pairs found on labels",
    FREQUENCIES: "meddra_freq.tsv: frequency rows of drug-side effect pairs, placebo rows too",
    INDICATIONS: "meddra_all_indications.tsv: indications found on labels",
    MAPPING: "label_mapping.tsv (SIDER 4.0): generic and brand names of the labelled drugs",
    ERRATA: "meddra_freq_to_exclude.tsv: frequency rows published as extraction errors",
}
# Preferred terms that name withdrawal of the drug itself: recorded in the withdrawal context.
# Withdrawal in neonates (exposure before birth) stays a side effect; withdrawal from another
# substance (alcohol, tobacco) stays a side effect record and is flagged (app/readmodel/rules.py).
WITHDRAWAL_TERMS = {
    "C0152128": "Drug withdrawal syndrome",
    "C0038587": "Withdrawal syndrome",
    "C0234547": "Drug withdrawal convulsions",
    "C0857468": "Withdrawal hypertension",
    "C0549262": "Rebound effect",
    "C0235453": "Steroid withdrawal syndrome",
}
CHUNK = 5000  # rows per INSERT batch


def write_release(
    session: Session, data: SiderData, stage: Stage, progress: Progress, guard: Guard
) -> SiderReport:
    """Staged rows -> records, evidence, uses and aliases, in set-based statements."""
    source_id, anchors = _upsert_source(session)
    before = release_counts(session, source_id, anchors[FREQUENCIES])
    _delete_release(session, source_id)
    rekey(session)  # names meet in the current rule before matching (derived_keys.py)
    drugs = match_drugs(session, data.names, data.cids)
    effects = match_effects(session, data.effects)
    for cid, drug_id in drugs.ids.items():
        stage.add(DRUG_MAP, {"cid": cid, "drug_id": drug_id})
    for cui, effect_id in effects.ids.items():
        context = Context.withdrawal if cui in WITHDRAWAL_TERMS else Context.side_effect
        stage.add(EFFECT_MAP, {"cui": cui, "effect_id": effect_id, "context": context.value})
    stage.flush()
    analyze(session)  # statistics of the staged rows, for the set-based writes below
    keys = release_keys().subquery()
    pairs, drug_count, effect_count, withdrawal = session.execute(
        select(
            func.count(),
            func.count(keys.c.drug_id.distinct()),
            func.count(keys.c.effect_id.distinct()),
            func.coalesce(
                func.sum(case((keys.c.context == Context.withdrawal.value, 1), else_=0)), 0
            ),
        ).select_from(keys)
    ).one()
    on_existing = write_records(session, progress)
    # The evidence statements' NOT EXISTS over drug_effect x evidence: planned with statistics
    # from before the records were written (and with evidence still holding the deleted
    # release's rows), a --force re-import on PostgreSQL took over ten minutes here.
    analyze(session, DrugEffect, Evidence)
    evidence = write_evidence(session, source_id, anchors, progress)
    uses = write_uses(session)
    after = release_counts(session, source_id, anchors[FREQUENCIES])
    check_release(before, after, guard)
    skipped = data.skipped.copy()
    # Drugs an earlier release made that no record names any more (a salt now merged into its
    # ingredient) go first, so their names do not block the brands that are now free.
    prune_orphans(session)
    aliases = _insert(session, Alias, alias_rows(session, data, drugs.ids, skipped))
    terms = label_term_aliases(session, data.label_pt, data.label_names, effects.ids, skipped)
    aliases += _insert(session, Alias, terms)
    _cite_release(session, anchors)
    progress("computing summaries", 0, 1)
    recompute(session)
    progress("computing summaries", 1, 1)
    if data.decoding.latin1_lines:
        skipped[f"{MAPPING}: lines read as Latin-1 (first {data.decoding.first})"] += (
            data.decoding.latin1_lines
        )
    return SiderReport(
        changed=True,
        rows_read=dict(data.rows_read),
        drugs=drug_count,
        drugs_created=drugs.created,
        effects=effect_count,
        effects_created=effects.created,
        pairs=pairs,
        pairs_on_existing=on_existing,
        withdrawal=withdrawal,
        frequencies=stage.frequency_rows,
        evidence=evidence,
        uses=uses,
        aliases=aliases,
        skipped=dict(skipped),
    )


def _upsert_source(session: Session) -> tuple[int, dict[str, int]]:
    """SIDER's source row and its file anchors (sources.upsert_source)."""
    anchors = upsert_source(session, SOURCE, ANCHORS)
    source_id = session.scalar(select(Source.id).where(Source.slug == SOURCE["slug"]))
    assert source_id is not None  # written just above
    return source_id, anchors


def _delete_release(session: Session, source_id: int) -> None:
    """Everything the previous SIDER import wrote, and the terminologies' derived aliases
    (the read model rewrites them at the end): they would keep orphaned effects alive and
    take words before SIDER's label terms could."""
    terminology_links.clear(session)
    options = {"synchronize_session": False}
    anchors = select(SourceAnchor.id).where(SourceAnchor.source_id == source_id)
    session.execute(
        delete(Citation).where(Citation.anchor_id.in_(anchors)), execution_options=options
    )
    session.execute(
        delete(Evidence).where(Evidence.source_id == source_id), execution_options=options
    )
    for model in (Alias, DrugUse):
        session.execute(delete(model).where(model.release == RELEASE), execution_options=options)
    backed = exists().where(Evidence.drug_effect_id == DrugEffect.id)
    session.execute(
        delete(DrugEffect).where(~DrugEffect.curated, ~backed), execution_options=options
    )


def _cite_release(session: Session, anchors: dict[str, int]) -> None:
    """Each statement SIDER makes cites the file it comes from: the aliases and uses it wrote,
    and the codes of the drugs (STITCH flat id = PubChem CID) and effects (MedDRA PT) it
    created."""
    for model, column, part, anchor, which in (
        (Alias, "alias_id", None, anchors[MAPPING], Alias.drug_id.isnot(None)),  # brands
        (Alias, "alias_id", None, anchors[SIDE_EFFECTS], Alias.effect_id.isnot(None)),  # terms
        (DrugUse, "drug_use_id", None, anchors[INDICATIONS], true()),
        (Drug, "drug_id", "identifiers", anchors[SIDE_EFFECTS], true()),
        (Effect, "effect_id", "codes", anchors[SIDE_EFFECTS], true()),
    ):
        session.execute(
            insert(Citation).from_select(
                ["anchor_id", "part", column],
                select(literal(anchor), literal(part), model.id).where(
                    model.release == RELEASE, which
                ),
            )
        )


def _insert(
    session: Session,
    model: Any,
    rows: Iterable[dict[str, Any]],
    progress: Progress | None = None,
    *,
    total: int | None = None,
) -> int:
    """Bulk INSERT in chunks; returns the number of rows written.

    Core on the table (one executemany per chunk): the ORM's bulk path regroups rows by the
    columns they set and issued tens of thousands of small statements here.
    """
    task = f"writing {model.__tablename__}"
    iterator, done = iter(rows), 0
    while chunk := list(islice(iterator, CHUNK)):
        session.execute(insert(model.__table__), chunk)
        done += len(chunk)
        if progress is not None:
            progress(task, done, max(done, total or 0))
    return done

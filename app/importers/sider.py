"""`sidefx import sider DIR`: SIDER 4.1 beside the curated records, in the caller's transaction.

Every row SIDER contributes is owned by the "sider-4-1" source. Importing first deletes what
that source owns (its drug effects with their evidence, its evidence on curated records, its
brand aliases and drug uses), then writes the release afresh; curated rows are never changed.
Same files as last time (same checksum): nothing happens unless forced. Drugs and effects that
SIDER created stay (they keep their slugs across releases) unless a newer release leaves them
with no record at all, in which case they are removed.
"""

import logging
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.enums import INCIDENCE_RANK, Context, IncidenceBand, LineOfTherapy, SourceKind
from app.importers.list_order import refresh_drug_effect_lists
from app.importers.sider_aliases import alias_rows
from app.importers.sider_files import Progress, locate_files
from app.importers.sider_incidence import FreqRow, row_band, summarise
from app.importers.sider_match import match_drugs, match_effects
from app.importers.sider_prune import owned_drugs_and_effects, prune_orphans
from app.importers.sider_read import SiderData, read_sider
from app.importers.sider_report import SiderReport
from app.models import Alias, DataRelease, DrugEffect, DrugUse, Evidence, Source

logger = logging.getLogger(__name__)

RELEASE = "sider"  # DataRelease name: its checksum feeds /v1/meta's data_version
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
        "labels, coded as MedDRA preferred terms; drug names from SIDER 4.0's label mapping."
    ),
}
CHUNK = 5000  # rows per INSERT batch
Pairs = dict[tuple[int, int], list[FreqRow]]  # (drug id, effect id) -> SIDER frequency rows


def import_sider(
    session: Session, directory: Path, *, force: bool = False, progress: Progress | None = None
) -> SiderReport:
    """Read and check every file first, then write; a bad file raises SiderError, writing nothing.

    The caller owns the transaction (and commits once).
    """
    started = time.perf_counter()
    files = locate_files(directory)
    release = session.get(DataRelease, RELEASE)
    if release is not None and release.checksum == files.checksum and not force:
        return SiderReport(changed=False, seconds=time.perf_counter() - started)
    data = read_sider(files, progress)
    report = _write(session, data, progress or _silent)
    now = datetime.now(UTC)
    if release is None:
        session.add(DataRelease(name=RELEASE, checksum=data.checksum, loaded_at=now))
    else:
        release.checksum, release.loaded_at = data.checksum, now
    session.flush()
    report.seconds = time.perf_counter() - started
    logger.info("SIDER imported: %d drugs, %d pairs", report.drugs, report.pairs)
    return report


def _silent(task: str, done: int, total: int) -> None:
    pass


def _write(session: Session, data: SiderData, progress: Progress) -> SiderReport:
    source_id = _upsert_source(session)
    owned = owned_drugs_and_effects(session, source_id)
    for model in (Evidence, DrugEffect, Alias, DrugUse):  # evidence first: no cascade needed
        session.execute(
            delete(model).where(model.source_id == source_id),
            execution_options={"synchronize_session": False},
        )
    drugs = match_drugs(session, data.names, (cid for cid, _ in data.pairs))
    effects = match_effects(session, data.effects)
    pairs: Pairs = {}
    for (cid, cui), rows in data.pairs.items():
        pairs.setdefault((drugs.ids[cid], effects.ids[cui]), []).extend(rows)
    ids, on_existing = _write_drug_effects(session, pairs, source_id, progress)
    total = sum(len(rows) or 1 for rows in pairs.values())
    evidence_rows = _evidence_rows(pairs, ids, source_id)
    evidence = _insert(session, Evidence, evidence_rows, progress, total=total)
    uses = _insert(session, DrugUse, _use_rows(data, drugs.ids, source_id), progress)
    skipped = data.skipped.copy()
    aliases = _insert(session, Alias, alias_rows(session, data, drugs.ids, source_id, skipped))
    prune_orphans(session, *owned)
    refresh_drug_effect_lists(session)
    return SiderReport(
        changed=True,
        rows_read=dict(data.rows_read),
        drugs=len({d for d, _ in pairs}),
        drugs_created=drugs.created,
        effects=len({e for _, e in pairs}),
        effects_created=effects.created,
        pairs=len(pairs),
        pairs_on_existing=on_existing,
        frequencies=sum(len(rows) for rows in pairs.values()),
        evidence=evidence,
        uses=uses,
        aliases=aliases,
        skipped=dict(skipped),
    )


def _upsert_source(session: Session) -> int:
    source = session.scalar(select(Source).where(Source.slug == SOURCE["slug"]))
    if source is None:
        source = Source(**SOURCE)
        session.add(source)
    else:
        for key, value in SOURCE.items():
            setattr(source, key, value)
    session.flush()
    return source.id


def _write_drug_effects(
    session: Session, pairs: Pairs, source_id: int, progress: Progress
) -> tuple[dict[tuple[int, int], int], int]:
    """Create SIDER's own records where no record exists; return pair -> id and how many existed."""
    key_columns = (DrugEffect.drug_id, DrugEffect.effect_id)
    existing = {
        (d, e): i
        for i, d, e in session.execute(
            select(DrugEffect.id, *key_columns).where(DrugEffect.context == Context.side_effect)
        )
        if (d, e) in pairs
    }
    rows = (_drug_effect_row(k, rows, source_id) for k, rows in pairs.items() if k not in existing)
    _insert(session, DrugEffect, rows, progress, total=len(pairs) - len(existing))
    created = session.execute(
        select(DrugEffect.id, *key_columns).where(DrugEffect.source_id == source_id)
    )
    return existing | {(d, e): i for i, d, e in created}, len(existing)


def _drug_effect_row(key: tuple[int, int], rows: list[FreqRow], source_id: int) -> dict[str, Any]:
    summary = summarise(rows)
    return {
        "drug_id": key[0],
        "effect_id": key[1],
        "context": Context.side_effect,
        "source_id": source_id,
        "incidence_band": summary.band,
        "incidence_rank": INCIDENCE_RANK[summary.band],
        "frequency": summary.frequency,
        "placebo_frequency": summary.placebo_frequency,
        "incidence_wording": summary.wording,
    }


def _evidence_rows(
    pairs: Pairs, ids: dict[tuple[int, int], int], source_id: int
) -> Iterator[dict[str, Any]]:
    """One row per SIDER frequency row; a pair SIDER lists without any gets one bare row."""
    for key, rows in pairs.items():
        base = {"drug_effect_id": ids[key], "source_id": source_id, "section": None, "note": None}
        if not rows:
            yield base | {
                "incidence_band": IncidenceBand.unknown,
                "frequency_text": None,
                "frequency_lower": None,
                "frequency_upper": None,
                "placebo": False,
            }
        for row in rows:
            yield base | {
                "incidence_band": row_band(row),
                "frequency_text": row.text or None,
                "frequency_lower": row.lower,
                "frequency_upper": row.upper,
                "placebo": row.placebo,
            }


def _use_rows(data: SiderData, drug_ids: dict[Any, int], source_id: int) -> list[dict[str, Any]]:
    """One drug use per drug x indication (MedDRA preferred term)."""
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for (cid, cui), name in data.indications.items():
        rows.setdefault(
            (drug_ids[cid], cui),
            {
                "drug_id": drug_ids[cid],
                "condition": name[:300],
                "umls_cui": cui,
                "line_of_therapy": LineOfTherapy.unspecified,
                "note": None,
                "source_id": source_id,
                "section": None,
            },
        )
    return list(rows.values())


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

"""SIDER's staged rows into the API's tables: records, evidence and uses in set-based statements.

The staging tables (stage.py) hold the release's rows; these statements join them with
the compound and term maps, so the work is done by the database, whatever the release's size.
Records and evidence are written a range of drugs at a time (DRUGS_PER_STATEMENT): a statement
costs what its drugs hold, not the release (importing 10x SIDER into PostgreSQL, the records and
the evidence were single statements of 85 s and 81 s; 50x would near the statement timeout).
"""

from typing import Any

from sqlalchemy import Select, and_, case, exists, func, insert, literal, null, select
from sqlalchemy.orm import Session

from app.db_bulk import id_ranges
from app.enums import IncidenceBand, LineOfTherapy, Release
from app.importers.sider.files import FREQUENCIES, SIDE_EFFECTS, Progress
from app.importers.sider.stage import DRUG_MAP, EFFECT_MAP, LABELS, PAIRS
from app.importers.sider.stage import FREQUENCIES as STAGED_FREQUENCIES
from app.importers.sider.stage import INDICATIONS as STAGED_INDICATIONS
from app.models import DrugEffect, DrugUse, Evidence

RELEASE = Release.sider
DRUGS_PER_STATEMENT = 500  # SIDER 4.1 has ~100 records per drug


def release_keys(drugs: tuple[int, int] | None = None) -> Select[Any]:
    """The release's records: distinct (drug id, effect id, context) of the staged pairs, of
    the drugs with ids in DRUGS (inclusive) if given."""
    keys = (
        select(DRUG_MAP.c.drug_id, EFFECT_MAP.c.effect_id, EFFECT_MAP.c.context)
        .select_from(
            PAIRS.join(DRUG_MAP, DRUG_MAP.c.cid == PAIRS.c.cid).join(
                EFFECT_MAP, EFFECT_MAP.c.cui == PAIRS.c.cui
            )
        )
        .distinct()
    )
    return keys if drugs is None else keys.where(DRUG_MAP.c.drug_id.between(*drugs))


def drug_ranges(session: Session) -> list[tuple[int, int]]:
    return id_ranges(session, DRUG_MAP.c.drug_id, DRUGS_PER_STATEMENT)


def _same_record(drug_id: Any, effect_id: Any, context: Any) -> Any:
    return and_(
        DrugEffect.drug_id == drug_id,
        DrugEffect.effect_id == effect_id,
        DrugEffect.context == context,
    )


def write_records(session: Session, progress: Progress) -> int:
    """Create SIDER's records where no record exists; return how many existed."""
    ranges, on_existing = drug_ranges(session), 0
    for done, drugs in enumerate(ranges):
        progress("writing drug_effect", done, len(ranges))
        keys = release_keys(drugs).subquery()
        existing = exists().where(_same_record(keys.c.drug_id, keys.c.effect_id, keys.c.context))
        on_existing += session.scalar(select(func.count()).select_from(keys).where(existing)) or 0
        session.execute(
            insert(DrugEffect).from_select(
                ["drug_id", "effect_id", "context", "curated"],
                select(keys.c.drug_id, keys.c.effect_id, keys.c.context, literal(False)).where(
                    ~existing
                ),
            )
        )
    progress("writing drug_effect", len(ranges), len(ranges))
    return on_existing


def write_evidence(
    session: Session, source_id: int, anchors: dict[str, int], progress: Progress
) -> int:
    """One row per SIDER frequency row, in file order within each record; a pair SIDER lists
    without any gets one bare row citing the side-effect file. Returns the rows written."""
    ranges = drug_ranges(session)
    for done, drugs in enumerate(ranges):
        progress("writing evidence", done, len(ranges))
        _write_evidence(session, drugs, source_id, anchors)
    progress("writing evidence", len(ranges), len(ranges))
    return session.scalar(select(func.count()).where(Evidence.source_id == source_id)) or 0


def _write_evidence(
    session: Session, drugs: tuple[int, int], source_id: int, anchors: dict[str, int]
) -> None:
    f = STAGED_FREQUENCIES
    rows = (
        select(
            DrugEffect.id, literal(source_id), literal(anchors[FREQUENCIES]), f.c.band,
            f.c.text, f.c.lower, f.c.upper, f.c.placebo, f.c.label, LABELS.c.name,
        )
        .select_from(
            f.join(DRUG_MAP, DRUG_MAP.c.cid == f.c.cid)
            .join(EFFECT_MAP, EFFECT_MAP.c.cui == f.c.cui)
            .outerjoin(LABELS, LABELS.c.cui == f.c.label)
            .join(DrugEffect, _same_record(DRUG_MAP.c.drug_id, EFFECT_MAP.c.effect_id,
                                           EFFECT_MAP.c.context))
        )
        .where(DRUG_MAP.c.drug_id.between(*drugs))
        .order_by(f.c.seq)
    )  # fmt: skip
    columns = [
        "drug_effect_id", "source_id", "anchor_id", "incidence_band", "frequency_text",
        "frequency_lower", "frequency_upper", "placebo", "label_cui", "label_term",
    ]  # fmt: skip
    session.execute(insert(Evidence).from_select(columns, rows))
    keys = _labelled_keys(drugs).subquery()
    measured = exists().where(
        Evidence.drug_effect_id == DrugEffect.id, Evidence.source_id == source_id
    )
    bare = (
        select(
            DrugEffect.id, literal(source_id), literal(anchors[SIDE_EFFECTS]),
            literal(IncidenceBand.unknown.value), null(), null(), null(), literal(False),
            keys.c.label, LABELS.c.name,
        )
        .select_from(keys.join(DrugEffect, _same_record(keys.c.drug_id, keys.c.effect_id,
                                                         keys.c.context))
                     .outerjoin(LABELS, LABELS.c.cui == keys.c.label))
        .where(~measured)
        .order_by(DrugEffect.id)
    )  # fmt: skip
    session.execute(insert(Evidence).from_select(columns, bare))


def _labelled_keys(drugs: tuple[int, int]) -> Select[Any]:
    """The release's records of DRUGS, each with the label term a bare row cites: the one that
    is the record's own term where the label has it, else the first by CUI."""
    own = func.max(case((PAIRS.c.label == PAIRS.c.cui, PAIRS.c.label)))
    return (
        select(
            DRUG_MAP.c.drug_id, EFFECT_MAP.c.effect_id, EFFECT_MAP.c.context,
            func.coalesce(own, func.min(PAIRS.c.label)).label("label"),
        )
        .select_from(
            PAIRS.join(DRUG_MAP, DRUG_MAP.c.cid == PAIRS.c.cid).join(
                EFFECT_MAP, EFFECT_MAP.c.cui == PAIRS.c.cui
            )
        )
        .where(DRUG_MAP.c.drug_id.between(*drugs))
        .group_by(DRUG_MAP.c.drug_id, EFFECT_MAP.c.effect_id, EFFECT_MAP.c.context)
    )  # fmt: skip


def write_uses(session: Session) -> int:
    """One drug use per drug x indication (MedDRA preferred term), numbered per drug."""
    i = STAGED_INDICATIONS
    grouped = (
        select(DRUG_MAP.c.drug_id, i.c.cui, func.min(i.c.name).label("name"))
        .select_from(i.join(DRUG_MAP, DRUG_MAP.c.cid == i.c.cid))
        .group_by(DRUG_MAP.c.drug_id, i.c.cui)
        .subquery()
    )
    position = func.row_number().over(order_by=(grouped.c.drug_id, grouped.c.cui)) - 1
    rows = select(
        grouped.c.drug_id, func.substr(grouped.c.name, 1, 300), grouped.c.cui,
        literal(LineOfTherapy.unspecified.value), null(), position, literal(RELEASE.value),
    )  # fmt: skip
    columns = ["drug_id", "condition", "umls_cui", "line_of_therapy", "note", "position", "release"]
    session.execute(insert(DrugUse).from_select(columns, rows))
    return session.scalar(select(func.count()).where(DrugUse.release == RELEASE)) or 0

"""Refuse a release that would leave much less than the last import left: a partial download.

A SIDER file cut at a line boundary reads as a valid, smaller file (every check of the file
itself passes), and importing it deletes what the missing lines backed: 5% of meddra_all_se
left took SIDER's records from 145,344 to 63,848. So each import compares, kind by kind, what
the release leaves in the database with what the last import left, and refuses a drop of more
than MAX_DROP in any kind unless told to accept it (`--allow-shrink`). Both sides are counted
the same way, from the tables, the new side after the write and inside the import's savepoint:
a refusal rolls the whole write back.
"""

from dataclasses import astuple, dataclass, fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import Release
from app.importers.sider.files import SiderError
from app.models import DrugEffect, DrugUse, Evidence

MAX_DROP = 0.10  # a kind may lose at most this share of its count (a real release: a few %)
# When another importer version made the last import, the same files may legitimately leave
# fewer rows (sider-importer-4 keeps one PT per label term: records -10%, frequency rows -12%
# of SIDER 4.1), so the limit widens; every partial download the tests cut (55-95% of the side
# effects gone) is still refused.
MAX_DROP_NEW_IMPORTER = 0.25


@dataclass(frozen=True)
class ReleaseCounts:
    """What a SIDER import leaves in the database, per kind a user would miss."""

    records: int  # drug x effect records backed by SIDER evidence
    drugs: int  # drugs with such a record
    effects: int  # effects with such a record
    frequencies: int  # evidence rows carrying a meddra_freq row
    uses: int  # drug uses (indications) SIDER wrote


@dataclass(frozen=True)
class Guard:
    """How the import is to judge a smaller release."""

    allow_shrink: bool
    importer_change: str | None  # "old -> new" when another importer version made the last


LABELS = {
    "records": "drug x effect records",
    "drugs": "drugs",
    "effects": "effects",
    "frequencies": "frequency rows",
    "uses": "drug uses (indications)",
}


def release_counts(session: Session, source_id: int, frequency_anchor: int) -> ReleaseCounts:
    """Counted from the tables: before the old release is deleted, and after the new one is
    written."""
    backed = (
        select(Evidence.drug_effect_id).where(Evidence.source_id == source_id).distinct().subquery()
    )
    records, drugs, effects = session.execute(
        select(
            func.count(),
            func.count(DrugEffect.drug_id.distinct()),
            func.count(DrugEffect.effect_id.distinct()),
        ).select_from(backed.join(DrugEffect, DrugEffect.id == backed.c.drug_effect_id))
    ).one()
    frequencies = session.scalar(
        select(func.count()).where(
            Evidence.source_id == source_id, Evidence.anchor_id == frequency_anchor
        )
    )
    uses = session.scalar(select(func.count()).where(DrugUse.release == Release.sider))
    return ReleaseCounts(records, drugs, effects, frequencies or 0, uses or 0)


def shrunk(before: ReleaseCounts, after: ReleaseCounts, limit: float = MAX_DROP) -> list[str]:
    """Each kind that lost more than LIMIT of its count, with the numbers."""
    out = []
    for field, old, new in zip(fields(ReleaseCounts), astuple(before), astuple(after), strict=True):
        if old and new < old * (1 - limit):
            out.append(f"{LABELS[field.name]} {old:,} -> {new:,} (-{(old - new) / old:.0%})")
    return out


def check_release(before: ReleaseCounts, after: ReleaseCounts, guard: Guard) -> None:
    """SiderError naming what shrank and by how much, unless the guard allows it. A last import
    written by another version of the importer may have kept more rows of the same files: the
    refusal says so, and the operator decides."""
    limit = MAX_DROP_NEW_IMPORTER if guard.importer_change else MAX_DROP
    losses = shrunk(before, after, limit)
    if losses and not guard.allow_shrink:
        changed = (
            f"; the importer changed since the last import ({guard.importer_change}) and may "
            "keep fewer rows of the same files"
            if guard.importer_change
            else ""
        )
        raise SiderError(
            f"this release leaves {'; '.join(losses)} compared with the last import (more than "
            f"{limit:.0%} fewer): refused as a probable partial download{changed}; check "
            "the files (--allow-shrink accepts it)"
        )

"""The read model's last step: every drug-effect record stored as the API serves it.

derived.refresh calls `store_records` once the summaries, flags, list order and record sources
are written. Records are built by the one builder (services/records.compose_record_json) a range
of ids at a time and their JSON written to `drug_effect_record` (each range emptied first), so
memory and each statement stay at one range.
The format of the stored records is recorded in data_release (`read-model`): a load runs
whenever it is not the code's (RECORD_FORMAT), and /readyz says not ready until then.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.db_bulk import id_ranges, write_rows
from app.models import DataRelease, DrugEffect, StoredRecord
from app.readmodel.compose import READ_MODEL, RECORD_FORMAT, compose_record_json, is_current

__all__ = ["is_current", "store_records"]

BATCH = 1000  # record ids per range


def store_records(session: Session) -> int:
    """Write every record's JSON, a range of ids at a time; returns how many were written.

    Rewritten whole: a DELETE (readers of PostgreSQL keep the old rows until the load commits)
    and new rows, written in bulk (importers/bulk.py). Measured on PostgreSQL with SIDER 4.1:
    UPDATEs of a record_json column of drug_effect took ~160 s of a 580 s import; the whole
    import now takes 88 s."""
    table: Any = StoredRecord.__table__
    written = 0
    for low, high in id_ranges(session, DrugEffect.id, BATCH):
        session.connection().execute(delete(table).where(table.c.drug_effect_id.between(low, high)))
        rows = compose_record_json(session, low, high)
        write_rows(session, table, [{"drug_effect_id": i, "body": b} for i, b in rows])
        written += len(rows)
    _mark(session)
    return written


def _mark(session: Session) -> None:
    release = session.get(DataRelease, READ_MODEL)
    now = datetime.now(UTC)
    if release is None:
        session.add(DataRelease(name=READ_MODEL, checksum=RECORD_FORMAT, loaded_at=now))
    else:
        release.checksum, release.loaded_at = RECORD_FORMAT, now
    session.flush()

"""The read model's last step: every drug-effect record stored as the API serves it.

derived.refresh calls `store_records` once the summaries, flags, list order and record sources
are written. Records are built by the one builder (services/records.compose_records) a batch
at a time and their JSON written to `drug_effect.record_json`, so memory stays at one batch.
The format of the stored records is recorded in data_release (`read-model`): a load runs
whenever it is not the code's (RECORD_FORMAT), and /readyz says not ready until then.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.models import DataRelease, DrugEffect
from app.services.records import READ_MODEL, RECORD_FORMAT, compose_records, is_current

__all__ = ["is_current", "store_records"]

BATCH = 1000


def store_records(session: Session) -> int:
    """Write every record's JSON, a batch at a time; returns how many records were written."""
    table: Any = DrugEffect.__table__
    write = (
        update(table)
        .where(table.c.id == bindparam("record_id"))
        .values(record_json=bindparam("body"))
    )
    written, last = 0, 0
    while True:
        batch = list(
            session.scalars(
                select(DrugEffect.id)
                .where(DrugEffect.id > last)
                .order_by(DrugEffect.id)
                .limit(BATCH)
            )
        )
        if not batch:
            break
        records = compose_records(session, batch)
        session.connection().execute(
            write,
            [
                {"record_id": i, "body": r.__pydantic_serializer__.to_json(r)}
                for i, r in zip(batch, records, strict=True)
            ],
        )
        written, last = written + len(batch), batch[-1]
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

"""The stored records (`drug_effect_record`): written whole at the end of every load, read by
every request that serves records.

refresh.py calls `store_records` once the summaries, flags, list order and record sources are
written. Records are built by the one builder (compose.py) a range of ids at a time and their
JSON written to `drug_effect_record` (each range emptied first), so memory and each statement
stay at one range. The format of the stored records is recorded in data_release
(`read-model`): a load runs whenever it is not the code's (version.stored_format), and
/readyz says not ready until then.

Requests read records rather than assemble them: `record_json` answers the stored bytes (list
pages splice them), `build_records` the same as models (compare, the symptom check, FHIR).
Measured in `make bench`: composing a page of 20 took ~3 ms, reading it ~0.2 ms.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from app.db_bulk import id_ranges, write_rows
from app.enums import TermMatch
from app.models import DataRelease, DrugEffect, StoredRecord
from app.problems.exceptions import ReadModelNotBuilt
from app.readmodel.compose import compose_record_json
from app.readmodel.version import stored_format
from app.schemas.record import DrugEffectRecord, MatchedVia

BATCH = 1000  # record ids per range
READ_MODEL = "read-model"  # the data_release row holding the stored records' format
# Stored records are `exact`; a question about another term changes only the kind (the
# record's effect is the term it is about either way).
_UNMARKED = b'"matched_via":{"kind":"exact",'


def store_records(session: Session) -> int:
    """Write every record's JSON, a range of ids at a time; returns how many were written.

    Rewritten whole: a DELETE (readers of PostgreSQL keep the old rows until the load commits)
    and new rows, written in bulk (app/db_bulk.py). Measured on PostgreSQL with SIDER 4.1:
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
        session.add(DataRelease(name=READ_MODEL, checksum=stored_format(), loaded_at=now))
    else:
        release.checksum, release.loaded_at = stored_format(), now
    session.flush()


def is_current(session: Session) -> bool:
    """Whether the stored records have the format this code writes."""
    stored = session.scalar(select(DataRelease.checksum).where(DataRelease.name == READ_MODEL))
    return stored == stored_format()


def record_json(
    session: Session, ids: Sequence[int], matched: Mapping[int, MatchedVia] | None = None
) -> list[bytes]:
    """The stored records IDS as JSON, in that order; `matched` marks those that answer for
    another term (the one part of a record that depends on the question)."""
    if not ids:
        return []
    stored: dict[int, bytes] = dict(session.connection().execute(_STORED, {"ids": list(ids)}).all())
    return stored_bodies([(i, stored.get(i)) for i in ids], matched)


def stored_bodies(
    rows: Iterable[Sequence[Any]], matched: Mapping[int, MatchedVia] | None = None
) -> list[bytes]:
    """The bodies of (record id, ..., stored body) rows, marked where `matched` says; a record
    without its stored body means the read model was not built (a 503, never a partial page)."""
    out = []
    for row in rows:
        record_id, body = row[0], row[-1]
        if body is None:
            raise ReadModelNotBuilt()
        mark = (matched or {}).get(record_id)
        out.append(marked(bytes(body), TermMatch.exact if mark is None else mark.kind))
    return out


def marked(body: bytes, kind: TermMatch) -> bytes:
    """A stored body answering for another term: its `matched_via` kind set to KIND."""
    if kind is TermMatch.exact:
        return body
    return body.replace(_UNMARKED, b'"matched_via":{"kind":"' + kind.encode() + b'",', 1)


def build_records(
    session: Session, ids: Sequence[int], matched: Mapping[int, MatchedVia] | None = None
) -> list[DrugEffectRecord]:
    """The records IDS as models, in that order (see record_json)."""
    return [DrugEffectRecord.model_validate_json(b) for b in record_json(session, ids, matched)]


# Built once (building it per call cost as much as running it); Core: rows, not objects.
_stored: Any = StoredRecord.__table__
_STORED = select(_stored.c.drug_effect_id, _stored.c.body).where(
    _stored.c.drug_effect_id.in_(bindparam("ids", expanding=True))
)

"""`sidefx import sider DIR`: SIDER 4.1 beside the curated records, in the caller's transaction.

Every row SIDER contributes has release `sider`: its evidence rows (one per frequency row, each
citing the file it comes from), the records only it backs, its brand aliases and drug uses.
Importing first deletes all of those, then writes the release afresh; curated rows are never
changed. Effects join by code (the preferred term's UMLS CUI); terms that name the drug's own
withdrawal are recorded in the `withdrawal` context. SIDER's errata are applied when present.
Same files and importer as last time (same checksum): nothing happens unless forced. A release
that would leave much less than the last import is refused (release_guard.py), and only one load
runs at a time (load_lock.py). This module is the import's frame (lock, checksum, staging,
savepoint, release row); what a release writes is release.py.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.importers.load_lock import take_load_lock
from app.importers.sider.files import Progress, locate_files
from app.importers.sider.read import read_sider
from app.importers.sider.release import RELEASE, write_release
from app.importers.sider.release_guard import Guard
from app.importers.sider.report import SiderReport
from app.importers.sider.stage import staged
from app.models import DataRelease
from app.readmodel import is_current

logger = logging.getLogger(__name__)

IMPORTER = "sider-importer-4"  # bump when the same files would be written differently


def import_sider(
    session: Session,
    directory: Path,
    *,
    force: bool = False,
    errata: Path | None = None,
    allow_shrink: bool = False,
    progress: Progress | None = None,
) -> SiderReport:
    """Read and check every file first, then write; a bad file raises SiderError, writing nothing.

    The caller owns the transaction (and commits once)."""
    started = time.perf_counter()
    take_load_lock(session)  # LoadBusy at once if another load is writing
    files = locate_files(directory, errata)
    checksum = f"{IMPORTER}:{files.checksum}"[:64]
    release = session.get(DataRelease, RELEASE.value)
    unchanged = release is not None and release.checksum == checksum
    if unchanged and not force and is_current(session):
        return SiderReport(changed=False, seconds=time.perf_counter() - started)
    last = release.checksum.split(":")[0] if release is not None else IMPORTER
    guard = Guard(allow_shrink, None if last == IMPORTER else f"{last} -> {IMPORTER}")
    with staged(session) as stage:
        data = read_sider(files, stage, progress)
        with _savepoint(session):  # a refusal half-way leaves the caller's transaction as it was
            report = write_release(session, data, stage, progress or _silent, guard)
    report.errata = f"{files.errata.name}: {data.errata_dropped} rows" if files.errata else None
    now = datetime.now(UTC)
    if release is None:
        session.add(DataRelease(name=RELEASE.value, checksum=checksum, loaded_at=now))
    else:
        release.checksum, release.loaded_at = checksum, now
    session.flush()
    report.seconds = time.perf_counter() - started
    logger.info("SIDER imported: %d drugs, %d pairs", report.drugs, report.pairs)
    return report


def _silent(task: str, done: int, total: int) -> None:
    pass


@contextmanager
def _savepoint(session: Session) -> Iterator[None]:
    """A nested transaction whose failure reports the error that caused it. On a full disk
    SQLite rolls back the whole transaction, savepoint included: rolling back to the savepoint
    then fails ("no such savepoint"), and that second error used to hide "database or disk is
    full". The caller's transaction is rolled back either way."""
    nested = session.begin_nested()
    try:
        yield
    except BaseException:
        try:
            nested.rollback()
        except DBAPIError:
            logger.warning("rolling back to the savepoint failed; the transaction is gone")
        raise
    nested.commit()

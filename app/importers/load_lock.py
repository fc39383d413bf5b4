"""One load at a time per database, taken first thing in the load's transaction.

Two imports at once used to run side by side for minutes, each waiting on rows the other had
locked, until both were cancelled by the statement timeout. Now the second is refused at once
with a clear error (LoadBusy), and the first runs alone.

- PostgreSQL: a transaction-level advisory lock, tried without waiting; the commit or the
  rollback releases it, and so does the server when the client dies. The load also asks the
  server to check every CLIENT_CHECK_MS that its client is still there
  (`client_connection_check_interval`, PostgreSQL 14+): an import killed outright (SIGKILL, a
  lost host) does not leave its backend running the statement it was in.
- SQLite: the database's write lock, taken by a write that changes nothing; another writer is
  waited for as long as the connection's busy timeout, then the load is refused.
"""

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

LOCK_KEY = 0x51DEFC_10AD  # the advisory lock every sidefx load takes
CLIENT_CHECK_MS = 2000


class LoadBusy(Exception):
    """Another load is writing this database; nothing was written."""


def take_load_lock(session: Session) -> None:
    """Hold the database's load lock until the caller's transaction ends, or raise LoadBusy."""
    if session.get_bind().dialect.name == "postgresql":
        _take_postgresql(session)
        return
    try:
        session.execute(text("DELETE FROM data_release WHERE 0"))  # takes the write lock
    except OperationalError as exc:
        if "locked" not in str(exc.orig):
            raise
        raise LoadBusy(
            "another load or writer holds this SQLite database's write lock (database is "
            "locked); try again when it has finished"
        ) from exc


def _take_postgresql(session: Session) -> None:
    session.execute(
        text("SELECT set_config('client_connection_check_interval', :ms, true)"),
        {"ms": str(CLIENT_CHECK_MS)},
    )
    if session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEY}):
        return
    holder = session.execute(
        text(
            "SELECT a.pid, a.application_name, to_char(a.xact_start, 'YYYY-MM-DD HH24:MI:SS TZ')"
            " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted"
            " AND (l.classid::bigint << 32) + l.objid::bigint = :key"
        ),
        {"key": LOCK_KEY},
    ).first()
    who = (
        f" (backend pid {holder[0]}, {holder[1] or 'unnamed'}, since {holder[2]})" if holder else ""
    )
    raise LoadBusy(f"another load is running on this database{who}; try again when it has finished")

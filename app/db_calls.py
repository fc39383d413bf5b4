"""How a database call is admitted, counted and cancelled (app/db.py runs it).

A call holds its slot until its thread really ends. A request stops waiting at its deadline
and answers 503, but its thread may still be in a statement: the slot goes back when that
thread finishes, never when the request gives up, so abandoned work cannot pile up past the
capacity (a flood of FHIR Bundles once grew threads 2 -> 88 and RSS 174 -> 812 MB when the
slot went back at the deadline). At the deadline the running statement is cancelled: SQLite's
progress handler checks the call's deadline; PostgreSQL is sent a cancel request; and no
further statement of the call starts.

Costly routes (compare, FHIR Bundles, the symptom check, exports) may hold only part of the
slots, with a short queue: past that they get a fast 503 with Retry-After, and the other slots
stay free for cheap requests.
"""

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")
IDLE_SECONDS = 30.0  # a worker thread idle this long ends

costly_call: ContextVar[bool] = ContextVar("costly_call", default=False)
"""Set by the edge (app/edge/request_limits.py CostlyRoutes) for the requests of costly routes."""


class CapacityFull(Exception):
    """Every slot is taken and the queue is full."""


class Capacity:
    """`slots` calls at once and at most `queue` waiting for one (None: any number, each until
    its deadline). Taken and given back on the event loop."""

    def __init__(self, slots: int, queue: int | None = None) -> None:
        self.slots, self.queue = slots, queue
        self.waiting = 0
        self._free = asyncio.Semaphore(slots)

    async def take(self) -> None:
        if self.queue is not None and self._free.locked() and self.waiting >= self.queue:
            raise CapacityFull
        self.waiting += 1
        try:
            await self._free.acquire()
        finally:
            self.waiting -= 1

    def give_back(self) -> None:
        self._free.release()


class Call:
    """One call: its deadline, the slots it holds, and its connection while it runs.

    waiting -> running -> done (the slots go back when its thread's result reaches the event
    loop), or waiting -> dropped (the request gave up before the thread started: the request
    gives them back, the job never runs)."""

    def __init__(self, seconds: float, cancel_timeout: float) -> None:
        self.seconds, self.deadline = seconds, time.monotonic() + seconds
        self._cancel_timeout = cancel_timeout
        self._held: list[Capacity] = []
        self._lock = threading.Lock()
        self._state = "waiting"
        self._connection: Any = None

    async def take(self, capacity: Capacity) -> None:
        """A slot of CAPACITY, held until the call ends (CapacityFull: none to be had)."""
        await capacity.take()
        self._held.append(capacity)

    def start(self) -> bool:
        """In the worker thread: False if the request already gave up (do nothing)."""
        with self._lock:
            if self._state != "waiting":
                return False
            self._state = "running"
            return True

    def finish(self) -> None:
        """In the worker thread, before its connection goes back to the pool."""
        with self._lock:
            self._state, self._connection = "done", None

    def uses(self, connection: Any) -> None:
        """The DBAPI connection its statements run on (set as each statement starts; None
        when it goes back to the pool)."""
        if self._connection is not connection:
            with self._lock:
                self._connection = connection

    def abandon(self) -> None:
        """On the event loop, when the request gives up at its deadline."""
        with self._lock:
            state, connection = self._state, self._connection
            if state == "waiting":
                self._state = "dropped"
        if state == "waiting":
            self._give_back()
        elif state == "running" and hasattr(connection, "cancel_safe"):
            # psycopg: a round trip on a new connection, so not on the event loop.
            threading.Thread(
                target=self._cancel, args=(connection,), name="sidefx-cancel", daemon=True
            ).start()
        # SQLite: its progress handler interrupts the statement at the deadline by itself.

    def _cancel(self, connection: Any) -> None:
        # Under the lock: the thread cannot hand the connection to another call meanwhile.
        with self._lock:
            if self._connection is not connection:
                return  # the call ended on its own
            try:
                connection.cancel_safe(timeout=self._cancel_timeout)
            except Exception as exc:  # a frozen or gone server: the statement timeout remains
                logger.warning("cancelling an abandoned statement failed: %s", type(exc).__name__)

    def _give_back(self) -> None:
        """On the event loop (abandon while waiting, or the thread's result arriving)."""
        held, self._held = self._held, []
        for capacity in held:
            capacity.give_back()


@dataclass(frozen=True, slots=True)
class Slots:
    """The capacities of one event loop (a test may run several loops, one after another)."""

    loop: asyncio.AbstractEventLoop
    requests: Capacity
    costly: Capacity
    monitor: Capacity
    background: Capacity

    @classmethod
    def of(cls, threads: int, costly: int) -> "Slots":
        return cls(
            asyncio.get_running_loop(),
            Capacity(threads),
            Capacity(costly, queue=costly),
            Capacity(1),
            Capacity(1),
        )


# The hand-off to a worker thread: one put on a C queue, one call_soon_threadsafe back that
# settles the future and gives the call's slots back together (anyio's to_thread, with its
# limiter and cancel scope, ran ~355 Python calls a read on the event loop; this ~109). Threads
# start when none is idle, so there are never more than the calls the slots admit (plus
# abandoned ones still running), and are daemons: one stuck on a frozen server never keeps
# the process from exiting.
Job = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]", Call, Callable[[], Any]]
_jobs: "queue.SimpleQueue[Job]" = queue.SimpleQueue()
_idle_lock = threading.Lock()
_idle = 0


def hand_off(call: Call, job: Callable[[], T]) -> "asyncio.Future[T]":
    """JOB in a worker thread; the future is settled on the event loop, where CALL's slots go
    back at the same time (not when the awaiting request gives up)."""
    global _idle
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    with _idle_lock:
        start = _idle == 0
        if not start:
            _idle -= 1
    if start:
        threading.Thread(target=_work, name="sidefx-db", daemon=True).start()
    _jobs.put((loop, future, call, job))
    return future


def _work() -> None:
    global _idle
    while True:
        try:
            loop, future, call, job = _jobs.get(timeout=IDLE_SECONDS)
        except queue.Empty:
            with _idle_lock:
                if _idle > 0:  # else a job was promised to an idle thread: take it
                    _idle -= 1
                    return
            continue
        try:
            outcome: tuple[bool, Any] = (True, job())
        except BaseException as exc:  # handed to the awaiting request
            outcome = (False, exc)
        with _idle_lock:  # idle before the result wakes the loop: its next call reuses us
            _idle += 1
        with contextlib.suppress(RuntimeError):  # the loop closed: nothing waits any more
            loop.call_soon_threadsafe(_settle, future, call, outcome)
        del loop, future, call, job, outcome


def _settle(future: "asyncio.Future[Any]", call: Call, outcome: tuple[bool, Any]) -> None:
    call._give_back()
    if future.done():  # the request gave up at its deadline
        return
    if outcome[0]:
        future.set_result(outcome[1])
    else:
        future.set_exception(outcome[1])

"""Worker processes for `sidefx serve --workers N` (`run_workers`): a listening socket each, on
one address, and a supervisor that starts them promptly and says when it replaces one."""

import logging
import socket
import sys
from typing import Any

from uvicorn import Config
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

logger = logging.getLogger(__name__)
server_log = logging.getLogger("uvicorn.error")  # where uvicorn says it listens


class ReusePortSocket(socket.socket):
    """A listening address that every worker process binds for itself, with SO_REUSEPORT.

    uvicorn's workers share one listening socket, and asyncio accepts every waiting connection
    at once, so after a burst of connections one worker can hold nearly all of them while the
    other idles (the 2-worker benchmark saw 6 s of CPU against 0.4 s). With a socket per
    worker the kernel spreads new connections across the workers.

    The parent holds it bound but never listens on it; passed to a worker process, it arrives
    as that worker's own socket on the same address.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return worker_listener, (self.family, self.getsockname())


def worker_listener(family: int, address: tuple[Any, ...]) -> ReusePortSocket:
    sock = ReusePortSocket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past connections in TIME_WAIT
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def claim_address(family: int, address: tuple[Any, ...]) -> ReusePortSocket:
    """Fail if anything already listens on the address, then hold it for the workers.

    Without the probe, a second `sidefx serve` on the same port would quietly join the first
    and take half its connections, instead of failing as a port in use should. (Until the
    first instance's workers listen, a few seconds at startup, the probe cannot see it.)
    """
    # The probe has no SO_REUSEPORT, so any listener on the address makes it fail.
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)
        address = probe.getsockname()
    return worker_listener(family, address)


class Supervisor(Multiprocess):
    """uvicorn's supervisor, with workers that answer its health check promptly and a warning
    each time it replaces one (uvicorn says so only at INFO, so a worker too slow to answer
    was replaced in a loop without a word)."""

    def run(self) -> None:
        main = sys.modules["__main__"]
        # A spawned worker first runs the parent's __main__ again (multiprocessing's spawn);
        # for `sidefx` that is the whole CLI, seconds of imports on a busy host before the worker
        # can answer. Workers need none of it: uvicorn's config names what they import.
        hidden = main.__dict__.pop("__file__", None) if main.__spec__ is None else None
        try:
            super().run()
        finally:
            if hidden is not None:
                main.__file__ = hidden

    def keep_subprocess_alive(self) -> None:
        running = [p.process.is_alive() for p in self.processes]
        before = list(self.processes)
        super().keep_subprocess_alive()
        for old, new, was_running in zip(before, self.processes, running, strict=True):
            if new is old:
                continue
            if was_running:
                why = f"did not answer within {self.config.timeout_worker_healthcheck} s"
            else:
                why = f"exited with code {old.exitcode}"
            logger.warning("worker %s %s; replaced by worker %s", old.pid, why, new.pid)


def run_workers(config: Config) -> None:
    """Serve with `config.workers` processes under uvicorn's supervisor.

    On Linux each worker gets its own listener; elsewhere `SO_REUSEPORT` does not balance
    connections, so the workers share uvicorn's one socket.
    """
    if sys.platform != "linux":
        listener = config.bind_socket()  # exits with STARTUP_FAILURE if the port is taken
    else:
        family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
        try:
            listener = claim_address(family, (config.host, config.port))
        except OSError as exc:
            server_log.error("cannot listen on %s port %d: %s", config.host, config.port, exc)
            sys.exit(STARTUP_FAILURE)
        host, port = listener.getsockname()[:2]
        server_log.info(
            "Uvicorn running on http://%s:%d with %d workers", host, port, config.workers
        )
    try:
        Supervisor(config, sockets=[listener]).run()
    except KeyboardInterrupt:
        pass
    finally:
        listener.close()

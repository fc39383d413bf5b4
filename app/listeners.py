"""A listening socket per worker process, on one address (`sidefx serve --workers N`)."""

import socket
from typing import Any


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

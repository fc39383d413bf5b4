"""`sidefx serve` connections have TCP_NODELAY, also on the socket uvicorn binds for workers.

Without it, a response written as headers then body waited for the client's delayed ACK
(44 ms per request at `--workers 2`)."""

import asyncio
import socket

import pytest
from uvicorn import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from app.serving import NoDelayHttpToolsProtocol
from benchmarks.ceiling import app as bare_app

pytestmark = pytest.mark.anyio


async def _nodelay_of_accepted(protocol: type[HttpToolsProtocol]) -> int:
    config = Config(app=bare_app, lifespan="off", log_config=None)
    # As uvicorn binds for --workers: protocol number 0, so asyncio leaves Nagle on.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    accepted: list[HttpToolsProtocol] = []

    def make() -> HttpToolsProtocol:
        accepted.append(protocol(config=config, server_state=ServerState(), app_state={}))
        return accepted[-1]

    server = await asyncio.get_running_loop().create_server(make, sock=listener)
    _, writer = await asyncio.open_connection(*listener.getsockname())
    while not accepted or accepted[0].transport is None:
        await asyncio.sleep(0.01)
    sock = accepted[0].transport.get_extra_info("socket")
    nodelay = int(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
    writer.close()
    server.close()
    await server.wait_closed()
    return nodelay


async def test_worker_connections_get_tcp_nodelay() -> None:
    assert await _nodelay_of_accepted(NoDelayHttpToolsProtocol) == 1


async def test_uvicorn_alone_leaves_nagle_on_for_such_sockets() -> None:
    # Why the subclass exists; if a uvicorn release fixes this, the subclass can go.
    assert await _nodelay_of_accepted(HttpToolsProtocol) == 0

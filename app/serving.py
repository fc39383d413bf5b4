"""uvicorn's HTTP protocol with TCP_NODELAY on every connection, whatever the listening socket.

asyncio sets TCP_NODELAY only on sockets whose protocol number is TCP; the listening socket
uvicorn binds itself for `--workers N` has protocol 0, so its connections kept Nagle's algorithm.
A response written as headers then body then waited for the client's delayed ACK: every request
took 44 ms at 2 workers (benchmarks/results.md) until this.
"""

import asyncio
import socket

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class NoDelayHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)

"""One send per response: writes made in one turn of the event loop leave as one send.

uvicorn writes the status line and headers, then the body, as two writes; with Nagle off
(app/edge/protocol.py) that is two TCP segments and two syscalls on each side.
"""

import asyncio
from typing import Any


class CoalescingTransport:
    """A transport whose writes within one event-loop turn leave as one send.

    At most `MAX_HELD` bytes wait: a body streamed without ever yielding to the loop is sent
    as it grows, not gathered whole. `close` and `write_eof` send what is held first; the
    rest is the wrapped transport's; writes after `write_eof` are dropped.
    """

    MAX_HELD = 64 * 1024

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._size = 0
        self._ended = False  # write_eof was called: nothing more can be sent

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data or self._ended:
            return
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(bytes(data))
        self._size += len(data)
        if self._size >= self.MAX_HELD:
            self.flush()

    def flush(self) -> None:
        if not self._held:
            return
        data = self._held[0] if len(self._held) == 1 else b"".join(self._held)
        self._held.clear()
        self._size = 0
        if not self._transport.is_closing() and not self._ended:
            self._transport.write(data)

    def write_eof(self) -> None:
        self.flush()
        self._ended = True
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

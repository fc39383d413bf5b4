"""uvicorn's HTTP protocol, tuned for small JSON responses over keep-alive connections.

- TCP_NODELAY on every connection, whatever the listening socket. asyncio sets it only on
  sockets whose protocol number is TCP; the listening socket uvicorn binds itself for
  `--workers N` has protocol 0, so its connections kept Nagle's algorithm. A response written
  as headers then body then waited for the client's delayed ACK: every request took 44 ms at
  2 workers (benchmarks/results.md) until this.
- One send per response (app/edge/coalescing.py).
- A listening socket per worker (`run_workers`, app/edge/workers.py), so the kernel shares
  connections out evenly.
- Limits uvicorn does not set with httptools: the request line and headers together are at most
  `SIDEFX_MAX_HEADER_BYTES` (431), and must arrive within `SIDEFX_HEADER_TIMEOUT` seconds of the
  connection or of the previous response, the body within `SIDEFX_BODY_TIMEOUT` seconds of its
  head (else 408 and close: no slowloris connection is held, trickling head or body).
- Requests that are not valid HTTP get a 400 problem+json instead of uvicorn's plain text; so
  do HTTP/1.1 requests without exactly one Host header; other versions than 1.0/1.1 get 505.
"""

import asyncio
import socket
from typing import Any, cast

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app import problems
from app.config import get_settings
from app.edge.coalescing import CoalescingTransport
from app.edge.problem_responses import PROBLEM_JSON, problem_body

LINGER_SECONDS = 2.0  # a refused client's time to read the answer while it still sends


class _Refused(Exception):
    """Raised in a parser callback after a refusal, to stop parsing what follows."""


class SidefxHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with TCP_NODELAY, one send per response, limits on heads
    (size, time) and bodies (time), and problem+json for what the HTTP parser refuses.

    A head's size is what the parser reports of it (request line, each header), plus what has
    arrived that it has not reported yet (a header still arriving): the body and the requests
    pipelined after it are never counted in it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.max_head, self.head_timeout = settings.max_header_bytes, settings.header_timeout
        self.body_timeout = settings.body_timeout
        self._head_bytes = 0  # of the head being read, as the parser reported it
        self._unreported = 0  # received for it, not reported yet (a header still arriving)
        self._reported = 0  # bytes the parser reported during the current data_received
        self._grew = False  # the head being read grew during the current data_received
        self._reading_head = self._refused = False
        self._chunk = 0  # bytes of the body chunk being read
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        coalescing = CoalescingTransport(transport, asyncio.get_running_loop())
        super().connection_made(cast(asyncio.Transport, coalescing))
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in (self._head_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        self._unset_keepalive_if_required()
        self._reported, self._grew = 0, False
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        except httptools.HttpParserError:
            if not self._refused:
                self._refuse(problems.BAD_REQUEST, "Invalid HTTP request received.")
            return
        if self._reading_head:  # what the parser holds of a head still arriving
            rest = max(0, len(data) - self._reported)
            self._unreported = rest if self._grew else self._unreported + rest
            self._head_fits()

    # Parser callbacks: each says how many bytes it consumed.

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes, self._unreported, self._reading_head = 0, 0, True

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self._head_grows(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self._head_grows(len(name) + len(value) + 4)  # "name: value\r\n"

    def on_headers_complete(self) -> None:
        self._unreported = 0
        # The method, two spaces, "HTTP/1.1\r\n" and the blank line.
        self._head_grows(len(self.parser.get_method()) + 14)
        self._reading_head = False
        _cancel(self._head_timer)
        self._check_version_and_host()
        super().on_headers_complete()
        if self.cycle is not None:  # no "server: uvicorn": it helps no client
            headers = self.cycle.default_headers
            self.cycle.default_headers = [h for h in headers if h[0] != b"server"]
        if self._has_body():
            self._body_timer = self.loop.call_later(self.body_timeout, self._body_timed_out)

    def on_body(self, body: bytes) -> None:
        self._reported += len(body)
        self._chunk += len(body)
        super().on_body(body)

    def on_chunk_complete(self) -> None:
        self._reported += len(f"{self._chunk:x}") + 4  # "size\r\n" ... "\r\n"
        self._chunk = 0

    def on_message_complete(self) -> None:
        _cancel(self._body_timer)
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # Unless a pipelined request is being answered, the next head has its time from now.
        if not self.transport.is_closing() and self.cycle.response_complete:
            _cancel(self._head_timer)
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def send_400_response(self, msg: str) -> None:
        if not self._refused:
            self._refuse(problems.BAD_REQUEST, msg)

    def _head_grows(self, size: int) -> None:
        """In a parser callback: stops the parser if the head is now too large."""
        self._head_bytes += size
        self._reported += size
        self._grew = True
        if not self._head_fits():
            raise _Refused

    def _head_fits(self) -> bool:
        if self._head_bytes + self._unreported <= self.max_head:
            return True
        self._refuse(problems.HEADERS_TOO_LARGE, f"The request head exceeds {self.max_head} bytes.")
        return False

    def _check_version_and_host(self) -> None:
        version = self.parser.get_http_version()
        if version not in ("1.1", "1.0"):
            detail = f"HTTP/{version} is not supported on this connection; use HTTP/1.1."
            self._refuse(problems.VERSION_NOT_SUPPORTED, detail)
            raise _Refused
        hosts = sum(1 for name, _ in self.headers if name == b"host")
        if version == "1.1" and hosts != 1:  # RFC 9112 3.2
            detail = f"An HTTP/1.1 request needs exactly one Host header (got {hosts})."
            self._refuse(problems.BAD_REQUEST, detail)
            raise _Refused

    def _has_body(self) -> bool:
        for name, value in self.headers:
            if name == b"transfer-encoding" or (name == b"content-length" and value != b"0"):
                return True
        return False

    def _head_timed_out(self) -> None:
        if self._refused or self.transport.is_closing():
            return
        if self._reading_head:  # a request began but its head did not arrive in time
            detail = f"The request head took over {self.head_timeout:g} s."
            self._refuse(problems.REQUEST_TIMEOUT, detail)
        elif self.cycle is None or self.cycle.response_complete:
            self.transport.close()  # nothing asked: an idle connection

    def _body_timed_out(self) -> None:
        if self._refused or self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle.response_started or self.pipeline:  # an answer is on its way: only close
            self.transport.close()
        else:
            detail = f"The request body did not arrive within {self.body_timeout:g} s."
            self._refuse(problems.REQUEST_TIMEOUT, detail)
        cycle.disconnected = True  # the application reads a disconnect; its answer goes nowhere
        cycle.message_event.set()

    def _refuse(self, kind: problems.ProblemType, detail: str) -> None:
        """Answer with a problem and close (what was received cannot be parsed further)."""
        self._reading_head, self._refused = False, True
        for timer in (self._head_timer, self._body_timer):
            _cancel(timer)
        body = problem_body(kind, detail, "", None)
        head = (
            f"HTTP/1.1 {kind.status} {kind.title}\r\ncontent-type: {PROBLEM_JSON}\r\n"
            f"content-length: {len(body)}\r\nx-content-type-options: nosniff\r\n"
            "connection: close\r\n\r\n"
        ).encode()
        self.transport.write(head + body)
        # A lingering close: closing with unread input would reset the connection, and the
        # client (still sending its head or body) could lose the answer before reading it.
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()


def _cancel(timer: asyncio.TimerHandle | None) -> None:
    if timer is not None:
        timer.cancel()

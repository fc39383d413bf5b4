"""How `sidefx serve` talks TCP and HTTP, on real sockets: Nagle off, one send per response, a
listener per worker, limits on request heads (size, time) and bodies (time), and problem+json
for bad requests.

The first three were found by the benchmark: 44 ms per request at `--workers 2` (Nagle), two
segments per response (twice the kernel work for client and server), and one worker holding
nearly every connection while the other idled (a shared listening socket)."""

import asyncio
import json
import os
import pickle
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any

import httpx
import pytest
from uvicorn import Config, Server
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from app.config import get_settings
from app.edge.coalescing import CoalescingTransport
from app.edge.protocol import SidefxHttpProtocol
from app.edge.workers import claim_address
from tests.servers import ServerProcess, run_to_end, server_env, server_process, sidefx_serve

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parent.parent
BODY = b'{"ok":true}'
# Generous on purpose: a loaded machine must not fail a test that would pass on an idle one.
DEADLINE = 300.0


async def bare_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A constant answer: what uvicorn and the protocol do, without the application."""
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": BODY})


async def reading_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Reads the whole body first, as the application does, then answers BODY."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return
        more = message.get("more_body", False)
    await bare_app(scope, receive, send)


def listeners_on(port: int) -> int:
    """How many sockets listen on PORT (from /proc: one per worker process)."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for r in rows if r.split()[1].endswith(f":{port:04X}") and r.split()[3] == "0A")


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
    assert await _nodelay_of_accepted(SidefxHttpProtocol) == 1


async def test_uvicorn_alone_leaves_nagle_on_for_such_sockets() -> None:
    # Why the subclass exists; if a uvicorn release fixes this, the subclass can go.
    assert await _nodelay_of_accepted(HttpToolsProtocol) == 0


class RecordingTransport:
    """Stands in for the socket: what was sent, in how many sends, and whether it closed."""

    def __init__(self) -> None:
        self.sends: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.sends.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


async def _next_turn() -> None:
    await asyncio.sleep(0)


async def test_writes_in_one_turn_leave_as_one_send() -> None:
    sent = RecordingTransport()
    transport = CoalescingTransport(sent, asyncio.get_running_loop())  # type: ignore[arg-type]
    transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
    transport.write(b"")
    transport.write(b"{}")
    assert sent.sends == []
    await _next_turn()
    assert sent.sends == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]
    transport.write(b"next")
    await _next_turn()
    assert sent.sends[1:] == [b"next"]


async def test_a_body_that_never_yields_is_sent_as_it_grows() -> None:
    sent = RecordingTransport()
    transport = CoalescingTransport(sent, asyncio.get_running_loop())  # type: ignore[arg-type]
    chunk = b"x" * 1000
    for _ in range(200):  # 200 kB written without the loop turning
        transport.write(chunk)
    assert len(sent.sends) == 3
    assert all(len(s) <= CoalescingTransport.MAX_HELD + len(chunk) for s in sent.sends)
    await _next_turn()
    assert b"".join(sent.sends) == chunk * 200


async def test_close_sends_what_is_held_first_and_nothing_after() -> None:
    sent = RecordingTransport()
    transport = CoalescingTransport(sent, asyncio.get_running_loop())  # type: ignore[arg-type]
    transport.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    transport.close()
    assert sent.sends == [b"HTTP/1.1 400 Bad Request\r\n\r\n"]
    assert sent.closed
    transport.write(b"late")
    await _next_turn()
    assert sent.sends == [b"HTTP/1.1 400 Bad Request\r\n\r\n"]


async def test_pipelined_and_closing_requests_get_whole_responses_in_order() -> None:
    config = Config(app=bare_app, lifespan="off", log_config=None, http=SidefxHttpProtocol)
    server = Server(config)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        task = asyncio.create_task(server.serve(sockets=[listener]))
        while not server.started:
            await asyncio.sleep(0.01)
        reader, writer = await asyncio.open_connection(*listener.getsockname())
        writer.write(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        writer.write(b"GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        received = await asyncio.wait_for(reader.read(), timeout=DEADLINE)  # until it closes
        writer.close()
        server.should_exit = True
        await task
    responses = received.split(b"HTTP/1.1 200 OK\r\n")[1:]
    assert len(responses) == 3
    assert all(r.endswith(b"\r\n\r\n" + BODY) for r in responses)
    assert b"connection: close" in responses[2]


def _listening(sock: socket.socket) -> socket.socket:
    sock.listen()
    sock.settimeout(DEADLINE)
    return sock


def test_each_worker_gets_its_own_listener_and_connections_are_shared() -> None:
    with claim_address(socket.AF_INET, ("127.0.0.1", 0)) as address:
        # What a worker process receives: the address, bound afresh with SO_REUSEPORT.
        workers = [_listening(pickle.loads(bytes(ForkingPickler.dumps(address)))) for _ in range(2)]
        port = address.getsockname()[1]
        assert {w.getsockname()[1] for w in workers} == {port}
        assert len({w.fileno() for w in workers}) == 2
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(64)]
        accepted = [0, 0]
        for i, worker in enumerate(workers):
            worker.setblocking(False)
            while True:
                try:
                    worker.accept()[0].close()
                except BlockingIOError:
                    break
                accepted[i] += 1
        for s in clients + workers:
            s.close()
    # The kernel spreads by connection hash: all 64 on one side would happen 1 time in 2^63.
    assert sum(accepted) == 64
    assert min(accepted) > 0


def test_an_address_in_use_is_refused_not_shared() -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        with pytest.raises(OSError, match="in use"):
            claim_address(socket.AF_INET, other.getsockname()).close()
    # A second `sidefx serve --workers N` on the same port fails instead of joining in.
    with claim_address(socket.AF_INET, ("127.0.0.1", 0)) as first:
        worker = _listening(pickle.loads(bytes(ForkingPickler.dumps(first))))
        with pytest.raises(OSError, match="in use"):
            claim_address(socket.AF_INET, first.getsockname()).close()
        worker.close()


def test_an_address_left_in_time_wait_can_be_served_again() -> None:
    with claim_address(socket.AF_INET, ("127.0.0.1", 0)) as first:
        address = first.getsockname()
        worker = _listening(pickle.loads(bytes(ForkingPickler.dumps(first))))
        client = socket.create_connection(address)
        accepted, _ = worker.accept()
        accepted.close()  # the server closes first: its side waits in TIME_WAIT
        client.close()
        worker.close()
    claim_address(socket.AF_INET, address).close()


def _two_workers(port: int) -> list[str]:
    return sidefx_serve(port, "--workers", "2")


def _two_workers_listen(server: ServerProcess) -> bool:
    return listeners_on(server.port) == 2  # one per worker, each after its startup


def _workers(pid: int) -> list[int]:
    """The supervisor's worker processes (multiprocessing's spawned children)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


@contextmanager
def _serve_two_workers(tmp_path: Path) -> Iterator[tuple[ServerProcess, Path, dict[str, str]]]:
    """`sidefx serve --workers 2` on a free port, once both workers listen; its TMPDIR."""
    (tmp := tmp_path / "tmp").mkdir()
    env = {**server_env(f"sqlite:///{tmp_path / 'empty.db'}"), "TMPDIR": str(tmp)}
    with server_process(_two_workers, env, ready=_two_workers_listen) as server:
        yield server, tmp, env


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads listening sockets from /proc")
def test_serve_with_two_workers_listens_twice_answers_and_stops(tmp_path: Path) -> None:
    with _serve_two_workers(tmp_path) as (server, tmp, env):
        assert httpx.get(f"{server.base_url}/healthz").status_code == 200
        assert len(list(tmp.glob("sidefx-metrics-*"))) == 1  # where the workers sum metrics
        code, output = run_to_end(_two_workers(server.port), env)
        assert code == 3
        assert "Address already in use" in output
        assert server.stop() == 0, server.output()
        assert listeners_on(server.port) == 0
        assert list(tmp.iterdir()) == []  # the metrics folder went with the server


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads worker processes from /proc")
def test_a_worker_that_dies_is_replaced_and_the_replacement_is_logged(tmp_path: Path) -> None:
    with _serve_two_workers(tmp_path) as (server, _, _):
        first, second = _workers(server.process.pid)
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + DEADLINE
        while not (f"worker {first} exited with code -9; replaced by worker" in server.output()
                   and listeners_on(server.port) == 2):  # fmt: skip
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.2)
        assert second in _workers(server.process.pid)
        assert httpx.get(f"{server.base_url}/healthz").status_code == 200
        assert server.stop() == 0, server.output()


@pytest.fixture
async def served(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[str, int]]:
    """The protocol with small limits (2 KiB heads, 1 s to send one, 1 s for its body once
    the head is in), on a real socket, before an application that reads every body. A test
    marked `patient_head` gets 60 s to send its head: what it checks must not race the clock
    on a loaded machine."""
    patient = request.node.get_closest_marker("patient_head") is not None
    monkeypatch.setenv("SIDEFX_MAX_HEADER_BYTES", "2048")
    monkeypatch.setenv("SIDEFX_HEADER_TIMEOUT", "60" if patient else "1")
    monkeypatch.setenv("SIDEFX_BODY_TIMEOUT", "1")
    get_settings.cache_clear()
    config = Config(app=reading_app, lifespan="off", log_config=None, http=SidefxHttpProtocol)
    server = Server(config)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        task = asyncio.create_task(server.serve(sockets=[listener]))
        while not server.started:
            await asyncio.sleep(0.01)
        yield listener.getsockname()
        server.should_exit = True
        await task
    get_settings.cache_clear()


async def _exchange(
    address: tuple[str, int], data: bytes, *, then: bytes = b"", every: float = 1.0
) -> bytes:
    """Send DATA, then THEN a byte every EVERY seconds until an answer begins; read until the
    server closes the connection (writing after it answered could reset the connection and
    lose the answer)."""
    reader, writer = await asyncio.open_connection(*address)
    writer.write(data)
    first = asyncio.ensure_future(asyncio.wait_for(reader.read(1), timeout=DEADLINE))
    try:
        for byte in then:
            await asyncio.wait([first], timeout=every)
            if first.done():
                break
            writer.write(bytes([byte]))
        return await first + await asyncio.wait_for(reader.read(), timeout=DEADLINE)
    finally:
        writer.close()


def _problem(response: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = response.partition(b"\r\n\r\n")
    assert b"content-type: application/problem+json" in head.lower()
    return int(head.split(b" ")[1]), json.loads(body)


async def test_a_request_head_over_the_limit_is_a_431_problem(served: tuple[str, int]) -> None:
    response = await _exchange(served, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 4000)
    status, body = _problem(response)
    assert (status, body["type"]) == (431, "/v1/problems/headers-too-large")


async def test_a_long_url_is_refused_the_same_way(served: tuple[str, int]) -> None:
    response = await _exchange(served, b"GET /" + b"x" * 100_000 + b" HTTP/1.1\r\n\r\n")
    assert _problem(response)[0] == 431


async def test_a_head_that_does_not_arrive_in_time_is_cut_with_a_408(
    served: tuple[str, int],
) -> None:
    """Slowloris: a few bytes, then silence. The connection is not held."""
    response = await _exchange(served, b"GET / HTTP/1.1\r\nHost: x\r\n")
    status, body = _problem(response)
    assert (status, body["type"]) == (408, "/v1/problems/request-timeout")


async def test_an_idle_connection_is_closed(served: tuple[str, int]) -> None:
    assert await _exchange(served, b"") == b""


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"BREW / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"GET /\x01 HTTP/1.1\r\n\r\n",
        b"not http at all\r\n\r\n",
        b"GET / HTTP/1.1\r\n\r\n",  # HTTP/1.1 needs a Host header (RFC 9112 3.2)
        b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",  # and only one
    ],
)
async def test_what_the_http_parser_refuses_is_a_400_problem(
    served: tuple[str, int], request_bytes: bytes
) -> None:
    status, body = _problem(await _exchange(served, request_bytes))
    assert (status, body["type"]) == (400, "/v1/problems/bad-request")


async def test_a_valid_request_still_gets_its_answer(served: tuple[str, int]) -> None:
    response = await _exchange(served, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert response.startswith(b"HTTP/1.1 200 OK")
    assert response.endswith(BODY)


async def test_other_http_versions_are_a_505_problem(served: tuple[str, int]) -> None:
    status, body = _problem(await _exchange(served, b"GET / HTTP/2.0\r\nHost: x\r\n\r\n"))
    assert (status, body["type"]) == (505, "/v1/problems/http-version-not-supported")


async def test_http_1_0_needs_no_host(served: tuple[str, int]) -> None:
    assert (await _exchange(served, b"GET / HTTP/1.0\r\n\r\n")).startswith(b"HTTP/1.1 200 OK")


async def test_responses_do_not_name_the_server_software(served: tuple[str, int]) -> None:
    response = await _exchange(served, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head = response.partition(b"\r\n\r\n")[0].lower()
    assert b"\r\nserver:" not in head
    assert b"\r\ndate:" in head


async def test_a_body_sent_with_its_head_does_not_count_as_head(served: tuple[str, int]) -> None:
    """A 30 KiB body in the same write as a small head, with heads limited to 2 KiB: 200 (it
    was a 431: the limit counted everything the first read brought)."""
    body = b"x" * 30 * 1024
    head = b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    response = await _exchange(served, head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
    assert response.startswith(b"HTTP/1.1 200 OK")


async def test_pipelined_requests_sent_in_one_write_are_each_answered(
    served: tuple[str, int],
) -> None:
    """601 requests, 21 KiB in one write against a 2 KiB head limit: 601 answers, in order."""
    one = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    last = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    response = await _exchange(served, one * 600 + last)
    assert response.count(b"HTTP/1.1 200 OK\r\n") == 601
    assert response.endswith(BODY)


@pytest.mark.patient_head
async def test_a_header_arriving_in_pieces_is_still_held_to_the_limit(
    served: tuple[str, int],
) -> None:
    """A header still arriving counts: 2,044 bytes of head, then a byte at a time, refused as
    it passes 2 KiB (the parser holds an unfinished header where no callback reports it)."""
    head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 2012
    assert _problem(await _exchange(served, head, then=b"a" * 100, every=0.05))[0] == 431


async def test_a_body_trickling_a_byte_a_second_is_cut_with_a_408(
    served: tuple[str, int],
) -> None:
    """Its head arrived in time, its body does not: the connection is not held."""
    head = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
    status, body = _problem(await _exchange(served, head, then=b"x" * 100, every=1.0))
    assert (status, body["type"]) == (408, "/v1/problems/request-timeout")
    assert "body" in body["detail"]


async def test_a_chunked_body_that_never_ends_is_cut_with_a_408(served: tuple[str, int]) -> None:
    head = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
    assert _problem(await _exchange(served, head))[0] == 408

"""How `sidefx serve` talks TCP: Nagle off, one send per response, a listener per worker.

Each of these was found by the benchmark: 44 ms per request at `--workers 2` (Nagle), two
segments per response (twice the kernel work for client and server), and one worker holding
nearly every connection while the other idled (a shared listening socket)."""

import asyncio
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import httpx
import pytest
from uvicorn import Config, Server
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from app.serving import CoalescingTransport, NoDelayHttpToolsProtocol, claim_address
from benchmarks.ceiling import BODY
from benchmarks.ceiling import app as bare_app
from benchmarks.run import listeners_on

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parent.parent


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
    config = Config(app=bare_app, lifespan="off", log_config=None, http=NoDelayHttpToolsProtocol)
    server = Server(config)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        task = asyncio.create_task(server.serve(sockets=[listener]))
        while not server.started:
            await asyncio.sleep(0.01)
        reader, writer = await asyncio.open_connection(*listener.getsockname())
        writer.write(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        writer.write(b"GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        received = await asyncio.wait_for(reader.read(), timeout=5)  # until the server closes
        writer.close()
        server.should_exit = True
        await task
    responses = received.split(b"HTTP/1.1 200 OK\r\n")[1:]
    assert len(responses) == 3
    assert all(r.endswith(b"\r\n\r\n" + BODY) for r in responses)
    assert b"connection: close" in responses[2]


def _listening(sock: socket.socket) -> socket.socket:
    sock.listen()
    sock.settimeout(5)
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(sys.platform != "linux", reason="reads listening sockets from /proc")
def test_serve_with_two_workers_listens_twice_answers_and_stops(tmp_path: Path) -> None:
    port = _free_port()
    (tmp := tmp_path / "tmp").mkdir()
    env = {**os.environ, "SIDEFX_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
           "SIDEFX_LOG_LEVEL": "WARNING", "TMPDIR": str(tmp)}  # fmt: skip
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [str(Path(sys.executable).parent / "sidefx"), "serve", "--port", str(port)]
    serving = subprocess.Popen([*command, "--workers", "2"], env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while listeners_on(port) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert listeners_on(port) == 2  # one per worker, each after its startup
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
        assert len(list(tmp.glob("sidefx-metrics-*"))) == 1  # where the workers sum metrics
        second = subprocess.run([*command, "--workers", "2"], env=env, capture_output=True)
        assert second.returncode == 3
        assert b"Address already in use" in second.stderr
    finally:
        serving.send_signal(signal.SIGTERM)
        _, stderr = serving.communicate(timeout=30)
    assert serving.returncode == 0, stderr.decode()
    assert listeners_on(port) == 0
    assert list(tmp.iterdir()) == []  # the metrics folder went with the server

"""The edge against a real server on loopback: the production app, uvicorn and our protocol in
a process of their own (tests/slow_server.py), over a seeded database of its own.

A flood of expensive requests stays within a fixed number of threads and a bounded RSS, gets
fast 503s with Retry-After, and cheap reads keep answering; a body trickling a byte a second is
cut with a 408; a valid 30 KiB symptom check sent in one write is answered; 601 requests
pipelined in one write get 601 answers."""

import asyncio
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import seeded, separate_database
from tests.servers import server_env, server_process

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
DEADLINE = 300.0  # generous: the machine is shared and loaded
THREADS = 4  # SIDEFX_THREADPOOL_SIZE of the flooded server: 2 slots for costly routes


@pytest.fixture(scope="module")
def database(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with separate_database(database_url, tmp_path_factory.mktemp("edge"), "edge") as url:
        seeded(url).dispose()
        yield url


def _slow_server(port: int) -> list[str]:
    return [sys.executable, "-m", "tests.slow_server", str(port)]


@contextmanager
def _server(database: str, **settings: str) -> Iterator[tuple[str, int]]:
    """The server's base URL and process id, once it answers /healthz."""
    env = server_env(database, log_level="ERROR", **settings)
    with server_process(_slow_server, env) as server:
        yield server.base_url, server.process.pid


def _status(pid: int) -> tuple[int, int]:
    """The process's threads and resident memory (bytes), from /proc."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["Threads"]), int(fields["VmRSS"].split()[0]) * 1024


@pytest.mark.skipif(sys.platform != "linux", reason="reads threads and memory from /proc")
async def test_a_flood_of_expensive_requests_is_bounded_and_cheap_reads_keep_answering(
    database: str,
) -> None:
    """40 requests at once to a costly route whose statement would run 10 minutes, with a
    10 s database timeout. Before: each abandoned statement kept a thread of its own running
    (threads 2 -> 88, RSS +600 MB on the real data) and cached reads stalled."""
    with _server(
        database, threadpool_size=str(THREADS), db_timeout="10", statement_timeout_ms="600000"
    ) as (base, pid):
        async with httpx.AsyncClient(base_url=base, timeout=DEADLINE) as client:
            assert (await client.get("/v1/meta")).status_code == 200  # now cached
            compare = "/v1/compare?drugs=clonazepam,diazepam"
            assert (await client.get(compare)).status_code == 200
            threads_before, rss_before = _status(pid)
            peak = [threads_before, rss_before]
            slow = "/v1/drugs/slowamine/fhir"
            flood = [asyncio.ensure_future(client.get(slow)) for _ in range(40)]
            sampling = asyncio.ensure_future(_sample(pid, peak))
            await asyncio.wait(flood, return_when=asyncio.FIRST_COMPLETED)  # capacity is full
            cheap = [await client.get(path) for path in ("/v1/meta", "/v1/drugs/diazepam")]
            pending = sum(not f.done() for f in flood)
            answers = await asyncio.gather(*flood)
            # The abandoned statements were cancelled: their slots come back long before the
            # 10 minutes the statements would have run.
            await _until_ok(client, compare)
            sampling.cancel()
    assert [r.status_code for r in cheap] == [200, 200]
    assert pending > 0, "the cheap reads were answered while the flood was still running"
    assert {r.status_code for r in answers} == {503}
    assert all(r.headers["retry-after"] for r in answers)
    busy = sum("costly" in r.json()["detail"] for r in answers)
    assert busy >= 40 - 2 * THREADS  # refused at once, not queued until their deadline
    assert peak[0] - threads_before <= THREADS + 4, f"threads {threads_before} -> {peak[0]}"
    assert peak[1] - rss_before < 100 * 1024 * 1024, f"RSS {rss_before} -> {peak[1]}"


async def _sample(pid: int, peak: list[int]) -> None:
    while True:
        threads, rss = _status(pid)
        peak[0], peak[1] = max(peak[0], threads), max(peak[1], rss)
        await asyncio.sleep(0.02)


async def _until_ok(client: httpx.AsyncClient, path: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while (await client.get(path)).status_code != 200:
        assert time.monotonic() < deadline, f"{path} never answered 200 again"
        await asyncio.sleep(0.5)


@pytest.fixture(scope="module")
def edge(database: str) -> Iterator[tuple[str, int]]:
    """A server with a 2 s body timeout: its address."""
    with _server(database, body_timeout="2") as (base, _):
        host, port = base.removeprefix("http://").split(":")
        yield host, int(port)


async def _exchange(address: tuple[str, int], data: bytes, *, trickle: bytes = b"") -> bytes:
    """Send DATA in one write, then TRICKLE a byte a second until an answer begins; read until
    the server closes."""
    reader, writer = await asyncio.open_connection(*address)
    writer.write(data)
    first = asyncio.ensure_future(asyncio.wait_for(reader.read(1), timeout=DEADLINE))
    try:
        for byte in trickle:
            await asyncio.wait([first], timeout=1.0)
            if first.done():
                break
            writer.write(bytes([byte]))
        return await first + await asyncio.wait_for(reader.read(), timeout=DEADLINE)
    finally:
        writer.close()


def _parts(response: bytes) -> tuple[int, bytes, Any]:
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), head.lower(), json.loads(body) if body else None


async def test_a_body_sent_a_byte_a_second_gets_a_408_and_the_connection_closes(
    edge: tuple[str, int],
) -> None:
    body = b'{"symptom": "leg cramps", "medications": [{"drug": "clonazepam", "status": "taking"}]}'
    head = (
        b"POST /v1/symptom-check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    )
    status, headers, problem = _parts(await _exchange(edge, head, trickle=body))
    assert (status, problem["type"]) == (408, "/v1/problems/request-timeout")
    assert b"connection: close" in headers


async def test_a_valid_30_kib_symptom_check_in_one_write_is_answered(
    edge: tuple[str, int],
) -> None:
    """Over the 16 KiB head limit, under the 64 KiB body limit: it was a 431."""
    check = {"symptom": "leg cramps", "medications": [{"drug": "clonazepam", "status": "taking"}]}
    body = json.dumps(check).encode() + b" " * 30 * 1024  # trailing whitespace: valid JSON
    assert 30 * 1024 < len(body) < 64 * 1024
    head = (
        b"POST /v1/symptom-check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    )
    status, headers, answer = _parts(await _exchange(edge, head + body))
    assert status == 200
    assert answer["explanations"][0]["drug"]["slug"] == "clonazepam"
    assert b"\r\nserver:" not in headers
    assert b"x-content-type-options: nosniff" in headers


async def test_601_pipelined_requests_in_one_write_each_get_their_answer(
    edge: tuple[str, int],
) -> None:
    one = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    last = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    response = await _exchange(edge, one * 600 + last)
    assert response.count(b"HTTP/1.1 200 OK\r\n") == 601
    assert response.count(b'{"status":"ok"}') == 601

"""Servers the tests start as processes of their own.

`server_process` is the one way a test starts one: in a process group (a session) of its own,
its output in a file rather than a pipe nobody reads (a chatty server would block on a full
pipe), ready when a check passes within a generous deadline, and on the way out, pass or fail,
its whole group killed and its file closed: no worker outlives its test.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import pytest

from tests.conftest import ROOT, TEST_SETTINGS

SIDEFX = str(Path(sys.executable).parent / "sidefx")
# Generous on purpose: a loaded machine must not fail a test that would pass on an idle one.
DEADLINE = 300.0


def server_env(database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment with the server's database and settings (SIDEFX_ names),
    the suite's generous timeouts unless SETTINGS say otherwise."""
    env = {**os.environ, "SIDEFX_DATABASE_URL": database_url}
    for name, value in {**TEST_SETTINGS, **settings}.items():
        env[f"SIDEFX_{name.upper()}"] = str(value)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # a server of its own sums its own metrics
    return env


def sidefx_serve(port: int, *options: str) -> list[str]:
    """`sidefx serve` on loopback: the production command."""
    return [SIDEFX, "serve", "--host", "127.0.0.1", "--port", str(port), *options]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    port: int
    _log: IO[bytes]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        """What the server wrote to stdout and stderr so far."""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        """Send SIG to the server (not its group: a supervisor stops its own workers) and wait
        for it; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=DEADLINE)


def answers_healthz(server: ServerProcess) -> bool:
    try:
        return httpx.get(f"{server.base_url}/healthz", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def server_process(
    command: Callable[[int], Sequence[str]],
    env: Mapping[str, str] | Callable[[int], Mapping[str, str]],
    *,
    ready: Callable[[ServerProcess], bool] = answers_healthz,
) -> Iterator[ServerProcess]:
    """COMMAND(port) started with ENV (or ENV(port)) on a free port, once READY says so.

    A port found free can be taken before the server binds it (any client's ephemeral port on
    a busy machine): when the server then exits saying the address is in use, or with uvicorn's
    startup-failure code 3, another port is tried."""
    for _ in range(5):
        port = free_port()
        with in_own_group(command(port), env(port) if callable(env) else env, port) as server:
            if _wait_until(ready, server):
                yield server
                return
            output = server.output()
            if server.process.poll() is None:
                pytest.fail(f"not ready after {DEADLINE:.0f} s:\n{output[-3000:]}")
            if server.process.returncode != 3 and "address already in use" not in output.lower():
                pytest.fail(f"the server exited {server.process.returncode}:\n{output[-3000:]}")
    pytest.fail("five free ports were taken before the server could bind them")


@contextmanager
def in_own_group(
    command: Sequence[str], env: Mapping[str, str], port: int = 0
) -> Iterator[ServerProcess]:
    """COMMAND started in a process group of its own, its output in a file; on the way out the
    whole group is killed (any command of the app a test starts: a server, an import)."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            start_new_session=True,  # its own process group: killed whole below
        )  # fmt: skip
        try:
            yield ServerProcess(process, port, log)
        finally:
            # The group's id is the server's pid, held while any member lives (reaped or not).
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=DEADLINE)


def _wait_until(ready: Callable[[ServerProcess], bool], server: ServerProcess) -> bool:
    deadline = time.monotonic() + DEADLINE
    while server.process.poll() is None and time.monotonic() < deadline:
        if ready(server):
            return True
        time.sleep(0.2)
    return False


def run_to_end(command: Sequence[str], env: Mapping[str, str]) -> tuple[int, str]:
    """A command that should exit by itself (a second server refused its port): its exit code
    and output; its group killed if it does not end within the deadline."""
    with in_own_group(command, env) as server:
        try:
            server.process.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running after {DEADLINE:.0f} s:\n{server.output()[-3000:]}")
        return server.process.returncode, server.output()

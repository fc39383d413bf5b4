"""What every benchmark needs: servers started and waited for, wrk runs parsed, CPU and RSS of a
process tree read from /proc."""

import os
import re
import resource
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import Result

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "benchmarks" / "out"
DURATION = int(os.environ.get("BENCH_SECONDS", "8"))
PORT = int(os.environ.get("BENCH_PORT", "8731"))  # another port when two benches share a host


def sh(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(args, check=True, env={**os.environ, **(env or {})}, cwd=ROOT)


@dataclass
class Load:
    seconds: float  # migrate + seed + import, wall clock
    import_seconds: float
    import_peak_rss_mb: float


def run_measured(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a command; its wall-clock seconds and peak RSS (MB, from wait4: this child alone)."""
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **env})
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, args)
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def load_database(url: str, sider: Path) -> Load:
    """Migrate, seed and import SIDER into an empty database."""
    env = {"SIDEFX_DATABASE_URL": url, "SIDEFX_LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    sh(str(BIN / "sidefx"), "db", "upgrade", env=env)
    sh(str(BIN / "sidefx"), "seed", env=env)
    seconds, rss = run_measured([str(BIN / "sidefx"), "import", "sider", str(sider)], env)
    load = Load(time.perf_counter() - started, seconds, rss)
    log(f"database loaded in {load.seconds:.0f} s (SIDER import {seconds:.0f} s, {rss:.0f} MB)")
    return load


def fresh_sqlite(name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return db


def log(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not start")


def process_tree(pid: int) -> set[int]:
    """A process and its children (uvicorn's workers)."""
    pids = {pid}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            pids.add(int(stat.parent.name))
    return pids


def rss_mb(pid: int) -> float:
    total = 0
    for p in process_tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(match.group(1)) if match else 0
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU used so far by a process and its children."""
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def listeners_on(port: int) -> int:
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for r in rows if r.split()[1].endswith(f":{port:04X}") and r.split()[3] == "0A")


@contextmanager
def server(
    args: list[str], env: dict[str, str], ready_path: str, port: int = PORT, workers: int = 1
) -> Iterator[int]:
    process = subprocess.Popen(
        args, cwd=ROOT, env={**os.environ, **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_ready(f"http://127.0.0.1:{port}{ready_path}")
        # sidefx workers each listen once their startup is done: wait for all of them.
        deadline = time.monotonic() + 60
        while workers > 1 and listeners_on(port) < workers and time.monotonic() < deadline:
            time.sleep(0.2)
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def drain(port: int = PORT, limit: float = 900) -> None:
    """Wait until the server has answered what an earlier run left queued: wrk stops sending,
    but requests already in the server's database threads run on, and would be measured as
    the next run's latency. /readyz queues behind them (it needs a database thread too)."""
    deadline = time.monotonic() + limit
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=limit):
                return
        except urllib.error.HTTPError as exc:
            if exc.code == 404:  # not sidefx (Datasette): nothing queues
                return
            if time.monotonic() > deadline:  # a 503: the queue outlasts the database timeout
                raise RuntimeError(f"the server did not drain in {limit:.0f} s") from None
            time.sleep(0.5)
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not drain in {limit:.0f} s") from None
            time.sleep(0.5)


def wrk(
    name: str,
    workers: int,
    connections: int,
    paths: list[str],
    server_pid: int | None = None,
    etag: str = "",
    port: int = PORT,
    body: str | None = None,
    threads: int = 2,
    seconds: int = DURATION,
) -> Result:
    """wrk against one URL (a static request, no Lua: less of wrk's CPU), a rotation of GET
    paths (rotate.lua), or POSTs of one JSON body (post.lua)."""
    OUT.mkdir(parents=True, exist_ok=True)
    drain(port)
    paths_file, body_file = OUT / "paths.txt", OUT / "body.json"
    paths_file.write_text("\n".join(paths) + "\n")
    base = f"http://127.0.0.1:{port}"
    if body is not None:
        body_file.write_text(body)
        target = ["-s", str(ROOT / "benchmarks" / "post.lua"), base + paths[0]]
    elif len(paths) == 1:
        target = ["-H", f"If-None-Match: {etag}"] if etag else []
        target.append(base + paths[0])
    else:
        target = ["-s", str(ROOT / "benchmarks" / "rotate.lua"), base]
    client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = cpu_seconds(server_pid) if server_pid else 0.0
    result = subprocess.run(
        ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s",
         "--latency", "--timeout", "10s", *target],
        capture_output=True, text=True, check=True,
        env={**os.environ, "PATHS_FILE": str(paths_file), "BODY_FILE": str(body_file)},
    )  # fmt: skip
    server_cpu = cpu_seconds(server_pid) - server_before if server_pid else 0.0
    client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = sum(
        getattr(client_after, f) - getattr(client_before, f) for f in ("ru_utime", "ru_stime")
    )
    rps, p50, p99, errors = parse_wrk(result.stdout)
    return Result(
        name, workers, connections, rps, p50, p99, errors,
        server_cores=server_cpu / seconds, client_cores=client_cpu / seconds,
    )  # fmt: skip


def _ms(output: str, percentile: str) -> float:
    match = re.search(percentile + r"%\s+([\d.]+)(us|ms|s|m)\b", output)
    if match is None:
        raise RuntimeError(f"cannot read the {percentile}th percentile from wrk:\n{output}")
    return (
        float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[match.group(2)]
    )


def parse_wrk(output: str) -> tuple[float, float, float, int]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50, p99 = _ms(output, "50"), _ms(output, "99")
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(map(int, match.groups()))
    return rps, p50, p99, errors

"""`make bench`: sidefx against the framework's ceiling and a generic peer, in one run.

Builds a fresh SQLite database (curated seed + real SIDER files), then drives each server with
wrk on loopback: a bare ASGI app (the ceiling), Datasette on the same file with an equivalent
canned query (the peer), and sidefx scenarios with 1 and 2 workers at 64 and 128 connections.
Throughput is reported as a ratio to the ceiling measured in the same run.
"""

import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from benchmarks.report import Result, report

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "benchmarks" / "out"
DURATION = int(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = (64, 128)
PORT = 8731


def sh(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(args, check=True, env={**os.environ, **(env or {})}, cwd=ROOT)


def build_database(sider: Path) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = {"SIDEFX_DATABASE_URL": f"sqlite:///{db}", "SIDEFX_LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    sh(str(BIN / "sidefx"), "db", "upgrade", env=env)
    sh(str(BIN / "sidefx"), "seed", env=env)
    sh(str(BIN / "sidefx"), "import", "sider", str(sider), env=env)
    log(f"database built in {time.perf_counter() - started:.0f} s")
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


def wrk(
    name: str,
    workers: int,
    connections: int,
    paths: list[str],
    server_pid: int,
    etag: str = "",
    port: int = PORT,
) -> Result:
    paths_file = OUT / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    if len(paths) == 1:  # one URL: wrk's static request, no Lua per request (less CPU taken)
        target = ["-H", f"If-None-Match: {etag}"] if etag else []
        target.append(f"http://127.0.0.1:{port}{paths[0]}")
    else:
        target = ["-s", str(ROOT / "benchmarks" / "rotate.lua"), f"http://127.0.0.1:{port}"]
    client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = cpu_seconds(server_pid)
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{DURATION}s", "--latency", "--timeout", "5s",
         *target],
        capture_output=True, text=True, check=True,
        env={**os.environ, "PATHS_FILE": str(paths_file)},
    )  # fmt: skip
    server_cpu = cpu_seconds(server_pid) - server_before
    client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = sum(
        getattr(client_after, f) - getattr(client_before, f) for f in ("ru_utime", "ru_stime")
    )
    rps, p50, p99, errors = parse_wrk(result.stdout)
    return Result(
        name, workers, connections, rps, p50, p99, errors,
        server_cores=server_cpu / DURATION, client_cores=client_cpu / DURATION,
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


def scenarios(db: Path) -> dict[str, list[str]]:
    with sqlite3.connect(db) as conn:
        drugs = [r[0] for r in conn.execute("SELECT slug FROM drug ORDER BY slug")]
        shared = conn.execute(
            "SELECT e.slug, count(DISTINCT de.drug_id) n FROM drug_effect de "
            "JOIN effect e ON e.id = de.effect_id GROUP BY e.slug ORDER BY n DESC LIMIT 1"
        ).fetchone()
        names = [r[0] for r in conn.execute("SELECT name FROM drug ORDER BY id LIMIT 300")]
    log(f"{len(drugs)} drugs; reverse lookup on '{shared[0]}' ({shared[1]} drugs)")
    prefixes = sorted({n[:4].lower() for n in names if len(n) >= 4})
    return {
        "drug detail (hot)": ["/v1/drugs/clonazepam"],
        "drug effects (hot)": ["/v1/drugs/clonazepam/effects"],
        "drug effects (rotating)": [f"/v1/drugs/{d}/effects" for d in drugs],
        "reverse lookup, page 1": [f"/v1/effects/{shared[0]}/drugs"],
        "compare 3 drugs": ["/v1/compare?drugs=clonazepam,cyclobenzaprine,baclofen"],
        "search prefix (rotating)": [f"/v1/search?q={p}" for p in prefixes],
        "304 revalidation": ["/v1/drugs/clonazepam"],
        # No database and no cache: what the framework and middleware cost on their own.
        "floor: /healthz": ["/healthz"],
    }


def run_sidefx(db: Path, cache: bool, only: set[str] | None) -> list[Result]:
    """Each scenario on 1 worker and then at once on 2 (both servers up, each idle while the
    other is measured): the machine's speed drifts over minutes, so a pair measured seconds
    apart gives a fairer 2 / 1 worker ratio than two blocks of runs minutes apart."""
    env = {"SIDEFX_DATABASE_URL": f"sqlite:///{db}", "SIDEFX_LOG_LEVEL": "WARNING",
           "SIDEFX_RESPONSE_CACHE": str(cache).lower()}  # fmt: skip
    ports = {1: PORT, 2: PORT + 1}
    results = []
    with ExitStack() as stack:
        pids = {}
        for workers, port in ports.items():
            args = [str(BIN / "sidefx"), "serve", "--port", str(port), "--workers", str(workers)]
            pids[workers] = stack.enter_context(server(args, env, "/readyz", port, workers))
        for name, paths in scenarios(db).items():
            if only is not None and name not in only:
                continue
            if not cache:
                name = name.replace("(rotating)", "(uncached, rotating)")
            for connections in CONNECTIONS:
                for workers, port in ports.items():
                    etag = ""
                    if name.startswith("304"):
                        with urllib.request.urlopen(f"http://127.0.0.1:{port}{paths[0]}") as r:
                            etag = r.headers["ETag"]
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{paths[0]}").read()  # warm
                    results.append(
                        wrk(name, workers, connections, paths, pids[workers], etag, port)
                    )
                    log(f"  {results[-1]}")
        label = f"RSS MB ({'cache' if cache else 'no cache'})"
        results += [Result(label, w, 0, rss_mb(pid), 0, 0, 0) for w, pid in pids.items()]
    return results


def run_ceiling(when: str) -> list[Result]:
    args = [str(BIN / "uvicorn"), "benchmarks.ceiling:app", "--port", str(PORT), "--no-access-log",
            "--log-level", "warning", "--lifespan", "off"]  # fmt: skip
    with server(args, {}, "/") as pid:
        return [wrk(f"ceiling: bare ASGI ({when})", 1, c, ["/"], pid) for c in CONNECTIONS]


def run_datasette(db: Path) -> list[Result]:
    metadata = OUT / "datasette.json"
    sql = (
        "SELECT e.slug, e.name, de.context, de.incidence_band, de.frequency, "
        "de.incidence_wording FROM drug_effect de JOIN drug d ON d.id = de.drug_id "
        "JOIN effect e ON e.id = de.effect_id WHERE d.slug = :drug "
        "ORDER BY de.incidence_rank DESC, de.frequency DESC LIMIT 20"
    )
    queries = {"drug_effects": {"sql": sql}}
    metadata.write_text(json.dumps({"databases": {"bench": {"queries": queries}}}))
    args = [str(BIN / "datasette"), "serve", str(db), "--immutable", str(db), "--port", str(PORT),
            "--metadata", str(metadata), "--setting", "num_sql_threads", "3"]  # fmt: skip
    with sqlite3.connect(db) as conn:
        drugs = [r[0] for r in conn.execute("SELECT slug FROM drug ORDER BY slug")]
    results = []
    with server(args, {}, "/-/versions.json") as pid:
        for label, paths in (("hot", ["clonazepam"]), ("rotating", drugs)):
            urls = [f"/bench/drug_effects.json?drug={d}&_shape=array" for d in paths]
            for c in CONNECTIONS:
                results.append(wrk(f"peer: Datasette drug effects ({label})", 1, c, urls, pid))
    return results


def main() -> None:
    sider = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "sider"
    if not sider.is_dir():
        sys.exit(f"SIDER files not found at {sider}: pass the folder as the first argument")
    started = time.perf_counter()
    db = build_database(sider)
    # The ceiling first and last: on a shared machine it drifts, and ratios use the mean.
    results = run_ceiling("start") + run_datasette(db)
    results += run_sidefx(db, cache=True, only=None)
    results += run_sidefx(db, cache=False, only={"drug effects (rotating)"})
    results += run_ceiling("end")
    text = report(results, time.perf_counter() - started, DURATION)
    (ROOT / "benchmarks" / "results.md").write_text(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()

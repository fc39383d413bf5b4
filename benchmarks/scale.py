"""`make bench-scale`: how sidefx's costs grow with the data, at 1x, 10x and 50x SIDER.

For each scale, SIDER-shaped files from benchmarks/synth.py go into a fresh database (SQLite up
to SCALE_SQLITE_MAX, PostgreSQL at every scale where its server binaries are installed): the
import's time and peak RSS, the database's size, a worker's start-up time and RSS, then the
uncached latency of the listed requests with one client and with 64 connections. Results and
the targets of the scale issue go to benchmarks/scale.md.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks.harness import BIN, OUT, PORT, ROOT, fresh_sqlite, load_database, log, rss_mb, wrk
from benchmarks.report import machine
from benchmarks.scale_report import Run, render
from tests.pg_cluster import new_cluster

SCALES = [float(s) for s in os.environ.get("SCALES", "1 10 50").split()]
SQLITE_MAX = float(os.environ.get("SCALE_SQLITE_MAX", "50"))
SECONDS = int(os.environ.get("SCALE_SECONDS", "5"))


# Requests that build every record of the largest drugs (seconds each): one client, for longer.
# At 64 connections they only queue for the database threads (64 x seconds of backlog).
WHOLE_DRUG = {"compare 10 largest drugs", "FHIR Bundle, largest drug"}


def synth(sider: Path, scale: float) -> Path:
    out = OUT / f"synth-{scale:g}x"
    if not (out / "meddra_freq.tsv").exists():
        subprocess.run(
            [sys.executable, "-m", "benchmarks.synth", str(sider), str(out), "--scale",
             f"{scale:g}"], check=True, cwd=ROOT,
        )  # fmt: skip
    return out


def requests(url: str) -> dict[str, tuple[str, str | None]]:
    """name -> (path, JSON body for a POST), chosen from the loaded data."""
    engine = create_engine(url)
    with engine.connect() as conn:
        largest = list(conn.execute(text(
            "SELECT d.slug FROM drug_effect de JOIN drug d ON d.id = de.drug_id "
            "GROUP BY d.slug ORDER BY count(*) DESC, d.slug LIMIT 10"
        )).scalars())  # fmt: skip
        deep = conn.execute(text(
            "SELECT count(*) FROM drug_effect de JOIN drug d ON d.id = de.drug_id "
            "WHERE d.slug = :s AND de.flag IS NULL"
        ), {"s": largest[0]}).scalar_one()  # fmt: skip
        shared, shared_name = conn.execute(text(
            "SELECT e.slug, e.name FROM drug_effect de JOIN effect e ON e.id = de.effect_id "
            "GROUP BY e.slug, e.name ORDER BY count(DISTINCT de.drug_id) DESC LIMIT 1"
        )).one()  # fmt: skip
    engine.dispose()
    statuses = ["taking", "stopped", "taking", "stopped", "taking"]
    meds = [{"drug": d, "status": s} for d, s in zip(largest[:5], statuses, strict=False)]
    body = {"symptom": shared_name, "medications": meds}
    drug = largest[0]
    return {
        "drug effects, page 1": (f"/v1/drugs/{drug}/effects", None),
        "drug effects, last page": (
            f"/v1/drugs/{drug}/effects?offset={min(max(deep - 20, 0), 10_000)}", None),
        "reverse lookup, most shared effect, page 1": (f"/v1/effects/{shared}/drugs", None),
        "compare 10 largest drugs": (f"/v1/compare?drugs={','.join(largest)}", None),
        "search prefix": (f"/v1/search?q={drug[:4]}", None),
        "symptom check, 5 medications": ("/v1/symptom-check", json.dumps(body)),
        "FHIR Bundle, largest drug": (f"/v1/drugs/{drug}/fhir", None),
    }  # fmt: skip


def measure_serving(run: Run, url: str) -> None:
    env = {**os.environ, "SIDEFX_DATABASE_URL": url, "SIDEFX_LOG_LEVEL": "WARNING",
           "SIDEFX_RESPONSE_CACHE": "false", "SIDEFX_STATEMENT_TIMEOUT_MS": "60000",
           "SIDEFX_DB_TIMEOUT": "60"}  # fmt: skip
    args = [str(BIN / "sidefx"), "serve", "--port", str(PORT), "--workers", "1"]
    with ExitStack() as stack:
        started = time.perf_counter()
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        stack.callback(process.wait, timeout=60)
        stack.callback(process.terminate)
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/readyz", timeout=5):
                    break
            except OSError:
                if time.perf_counter() - started > 300:
                    raise RuntimeError("the server did not start in 300 s") from None
                time.sleep(0.05)
        run.startup_s, run.startup_rss_mb = time.perf_counter() - started, rss_mb(process.pid)
        run.first_search_ms = first_search_ms()
        run.indexed_rss_mb = rss_mb(process.pid)
        paths = requests(url)
        for name, (path, body) in paths.items():
            heavy = name in WHOLE_DRUG
            for connections in (1,) if heavy else (1, 64):
                result = wrk(name, 1, connections, [path], process.pid, body=body,
                             threads=1 if connections == 1 else 2,
                             seconds=SECONDS * 4 if heavy else SECONDS)  # fmt: skip
                run.results.append(result)
                log(f"  {run.scale:g}x {run.database}: {result}")


def first_search_ms() -> float:
    """From ready to the first search answered: the worker builds its name index in the
    background at start-up, and search answers 503 until it is built."""
    started = time.perf_counter()
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/v1/search?q=zzzz", timeout=300):
                return (time.perf_counter() - started) * 1000
        except urllib.error.HTTPError as error:
            if error.code != 503 or time.perf_counter() - started > 300:
                raise
            time.sleep(0.05)


def database_size(url: str, path: Path | None) -> float:
    if path is not None:
        files = [Path(f"{path}{suffix}") for suffix in ("", "-wal")]
        return sum(f.stat().st_size for f in files if f.exists()) / 2**20
    engine = create_engine(url)
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    engine.dispose()
    return float(size) / 2**20


def one(scale: float, database: str, url: str, files: Path, path: Path | None) -> Run:
    log(f"== {scale:g}x on {database}")
    load = load_database(url, files)
    run = Run(scale, database, load, database_size(url, path))
    measure_serving(run, url)
    return run


def main() -> None:
    sider = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "sider"
    started = time.perf_counter()
    runs: list[Run] = []

    def write() -> str:  # after every run: a long run stopped midway keeps what it measured
        text_ = render(runs, time.perf_counter() - started, machine(), SECONDS)
        (ROOT / "benchmarks" / "scale.md").write_text(text_)
        return text_

    for scale in SCALES:
        files = synth(sider, scale)
        if scale <= SQLITE_MAX:
            db = fresh_sqlite(f"scale-{scale:g}x.db")
            runs.append(one(scale, "SQLite", f"sqlite:///{db}", files, db))
            db.unlink()
            write()
        directory = Path(tempfile.mkdtemp(prefix="sidefx-scale-"))
        cluster = new_cluster(directory)
        if cluster is None:
            log("PostgreSQL server binaries not found: PostgreSQL runs skipped")
            continue
        try:
            cluster.start()
            runs.append(one(scale, "PostgreSQL", cluster.url, files, None))
            write()
        finally:
            cluster.stop()
            shutil.rmtree(directory, ignore_errors=True)
    sys.stdout.write(write())


if __name__ == "__main__":
    main()

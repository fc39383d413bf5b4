"""`make bench`: sidefx against a generic peer and against its own cheapest request, in one run.

Builds a fresh SQLite database (curated seed + real SIDER files), then drives each server with
wrk on loopback: Datasette on the same file with an equivalent canned query (the peer),
sidefx with its response cache (hot reads, 1 and 2 workers, 64 and 128 connections), then
without it (uncached pages rotating over every drug, the symptom check for 1, 5 and 20
medicines, the largest drug's FHIR Bundle against the same records as JSON pages, the
exports), and a cheap request beside slow clients. Where PostgreSQL's server binaries are
installed, the same data goes into a throwaway cluster for the uncached, symptom-check and
slow-client runs. Ratios compare runs of the same `make bench` (report.py): the machine's
speed varies from run to run, and on a shared machine within one.
"""

import json
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks import contention
from benchmarks.harness import (
    BIN,
    DURATION,
    OUT,
    PORT,
    ROOT,
    Load,
    drain,
    fresh_sqlite,
    load_database,
    log,
    rss_mb,
    server,
    wrk,
)
from benchmarks.report import Result, report
from tests.pg_cluster import new_cluster

CONNECTIONS = (64, 128)
CURATED = ["clonazepam", "atorvastatin", "diazepam", "baclofen", "cyclobenzaprine"]


@dataclass
class Scenario:
    paths: list[str]
    body: str | None = None  # a JSON body: POST it to paths[0]
    connections: tuple[int, ...] = CONNECTIONS
    cached: bool = True  # run on the server with the response cache (else on the one without)
    workers: tuple[int, ...] = (1, 2)


def symptom_check(medications: list[str]) -> Scenario:
    """The README's question for 1, 5 or 20 medicines: stopped ones reach withdrawal too."""
    statuses = ["stopped", "taking", "dose_reduced"]
    body = {
        "symptom": "leg cramps",
        "symptom_started_on": "2026-11-25",
        "medications": [
            {"drug": d, "status": statuses[i % 3]}
            | ({"changed_on": "2026-11-20"} if i % 3 != 1 else {"started_on": "2026-01-10"})
            for i, d in enumerate(medications)
        ],
    }
    # One connection: the request's own latency; two: a worker's costly-route capacity (one
    # running, one queued; more connections would be answered a fast 503 by design).
    return Scenario(["/v1/symptom-check"], json.dumps(body), (1, 2), cached=False, workers=(1,))


def scenarios(url: str) -> dict[str, Scenario]:
    engine = create_engine(url)
    with engine.connect() as conn:
        drugs = list(conn.execute(text("SELECT slug FROM drug ORDER BY slug")).scalars())
        shared = conn.execute(text(
            "SELECT e.slug, count(DISTINCT de.drug_id) n FROM drug_effect de "
            "JOIN effect e ON e.id = de.effect_id GROUP BY e.slug ORDER BY n DESC LIMIT 1"
        )).one()  # fmt: skip
        names = list(conn.execute(text("SELECT name FROM drug ORDER BY id LIMIT 300")).scalars())
        largest = list(conn.execute(text(
            "SELECT d.slug FROM drug_effect de JOIN drug d ON d.id = de.drug_id "
            "GROUP BY d.slug ORDER BY count(*) DESC LIMIT 40"
        )).scalars())  # fmt: skip
    engine.dispose()
    log(f"{len(drugs)} drugs; reverse lookup on '{shared[0]}' ({shared[1]} drugs)")
    prefixes = sorted({n[:4].lower() for n in names if len(n) >= 4})
    twenty = CURATED + [d for d in largest if d not in CURATED][:15]
    biggest, records = largest_drug(url)
    pages = [f"/v1/drugs/{biggest}/effects?limit=100&offset={o}" for o in range(0, records, 100)]
    return {
        "drug detail (hot)": Scenario(["/v1/drugs/clonazepam"]),
        "drug effects (hot)": Scenario(["/v1/drugs/clonazepam/effects"]),
        "drug effects (rotating)": Scenario([f"/v1/drugs/{d}/effects" for d in drugs]),
        "reverse lookup, page 1": Scenario([f"/v1/effects/{shared[0]}/drugs"]),
        "compare 3 drugs": Scenario(["/v1/compare?drugs=clonazepam,cyclobenzaprine,baclofen"]),
        "search prefix (rotating)": Scenario([f"/v1/search?q={p}" for p in prefixes]),
        "304 revalidation": Scenario(["/v1/drugs/clonazepam"]),
        # No database and no cache: what the framework and middleware cost on their own.
        "floor: /healthz": Scenario(["/healthz"]),
        "drug effects (uncached, rotating)": Scenario(
            [f"/v1/drugs/{d}/effects" for d in drugs], cached=False
        ),
        "floor: /healthz (uncached server)": Scenario(["/healthz"], cached=False),
        "symptom check, 1 medication": symptom_check(CURATED[:1]),
        "symptom check, 5 medications": symptom_check(CURATED),
        "symptom check, 20 medications": symptom_check(twenty),
        # The same records two ways, uncached, one at a time: 1 / req/s is each one's time.
        f"FHIR Bundle of {biggest} ({records} records)": Scenario(
            [f"/v1/drugs/{biggest}/fhir"], connections=(1,), cached=False, workers=(1,)
        ),
        f"JSON pages of {biggest} (limit 100, {len(pages)} pages)": Scenario(
            pages, connections=(1,), cached=False, workers=(1,)
        ),
    }


def largest_drug(url: str) -> tuple[str, int]:
    """The drug with most (unflagged) records, and how many: its FHIR Bundle is the largest."""
    engine = create_engine(url)
    with engine.connect() as conn:
        slug, count = conn.execute(text(
            "SELECT d.slug, count(*) n FROM drug_effect de JOIN drug d ON d.id = de.drug_id "
            "WHERE de.flag IS NULL GROUP BY d.slug ORDER BY n DESC, d.slug LIMIT 1"
        )).one()  # fmt: skip
    engine.dispose()
    return str(slug), int(count)


def run_scenario(
    name: str, scenario: Scenario, ports: dict[int, int], pids: dict[int, int]
) -> list[Result]:
    results = []
    first = f"http://127.0.0.1:{{port}}{scenario.paths[0]}"
    for connections in scenario.connections:
        for workers, port in ports.items():
            if workers not in scenario.workers:
                continue
            etag = ""
            if scenario.body is None:
                headers = warm(first.format(port=port))
                etag = headers["ETag"] if name.startswith("304") else ""
            results.append(
                wrk(name, workers, connections, scenario.paths, pids[workers], etag, port,
                    scenario.body)
            )  # fmt: skip
            log(f"  {results[-1]}")
    return results


def warm(url: str, limit: float = 60) -> Message:
    """One request before the run. A costly route answers a fast 503 while the last run's
    calls still hold its share of the slots (drain's /readyz does not wait for those)."""
    deadline = time.monotonic() + limit
    while True:
        try:
            with urllib.request.urlopen(url) as response:
                response.read()
                headers: Message = response.headers
                return headers
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@contextmanager
def sidefx_servers(
    url: str, cache: bool, workers: tuple[int, ...]
) -> Iterator[tuple[dict[int, int], dict[int, int]]]:
    """Servers with 1 and 2 workers up together, each idle while the other is measured: the
    machine's speed drifts over minutes, so a pair measured seconds apart gives a fairer
    2 / 1 worker ratio than two blocks of runs minutes apart."""
    env = {"SIDEFX_DATABASE_URL": url, "SIDEFX_LOG_LEVEL": "WARNING",
           "SIDEFX_RESPONSE_CACHE": str(cache).lower()}  # fmt: skip
    ports = {w: PORT + i for i, w in enumerate(workers)}
    with ExitStack() as stack:
        pids = {}
        for w, port in ports.items():
            args = [str(BIN / "sidefx"), "serve", "--port", str(port), "--workers", str(w)]
            pids[w] = stack.enter_context(server(args, env, "/readyz", port, w))
        yield ports, pids


def run_sidefx(
    url: str, label: str, cache: bool, only: set[str] | None, workers: tuple[int, ...] = (1, 2)
) -> list[Result]:
    results = []
    with sidefx_servers(url, cache, workers) as (ports, pids):
        for name, scenario in scenarios(url).items():
            if scenario.cached != cache or (only is not None and name not in only):
                continue
            results += run_scenario(f"{name}{label}", scenario, ports, pids)
        if not cache:
            results += exports(ports[1], label)
        rss = f"RSS MB ({'cache' if cache else 'no cache'}{label})"
        results += [Result(rss, w, 0, rss_mb(pid), 0, 0, 0) for w, pid in pids.items()]
        if cache:
            results += contention.measure(label.strip(" ()") or "sqlite", url, ports[1], pids[1])
    return results


def exports(port: int, label: str) -> list[Result]:
    """Each export downloaded once, whole (uncached: an export is never kept)."""
    results = []
    for kind in ("drugs", "effects", "drug-effects"):
        drain(port)
        started = time.perf_counter()
        size = lines = 0
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/export/{kind}.ndjson") as r:
            for line in r:
                size, lines = size + len(line), lines + 1
        seconds = time.perf_counter() - started
        note = f"{lines} lines, {size / 1e6:.1f} MB, {size / 1e6 / seconds:.1f} MB/s"
        results.append(Result(f"export {kind}.ndjson{label}", 1, 1, seconds, 0, 0, 0, note=note))
        log(f"  export {kind}: {seconds:.2f} s, {note}")
    return results


def run_datasette(db: Path) -> list[Result]:
    metadata = OUT / "datasette.json"
    sql = (
        "SELECT e.slug, e.name, de.context, de.summary_band, de.frequency, "
        "de.incidence_wording FROM drug_effect de JOIN drug d ON d.id = de.drug_id "
        "JOIN effect e ON e.id = de.effect_id WHERE d.slug = :drug "
        "ORDER BY de.list_rank LIMIT 20"
    )
    queries = {"drug_effects": {"sql": sql}}
    metadata.write_text(json.dumps({"databases": {"bench": {"queries": queries}}}))
    # The bench group's (make bench installs it), else one on PATH.
    datasette = BIN / "datasette" if (BIN / "datasette").exists() else shutil.which("datasette")
    args = [str(datasette), "serve", str(db), "--immutable", str(db), "--port", str(PORT),
            "--metadata", str(metadata), "--setting", "num_sql_threads", "3"]  # fmt: skip
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        drugs = list(conn.execute(text("SELECT slug FROM drug ORDER BY slug")).scalars())
    engine.dispose()
    results = []
    with server(args, {}, "/-/versions.json") as pid:
        for label, paths in (("hot", ["clonazepam"]), ("rotating", drugs)):
            urls = [f"/bench/drug_effects.json?drug={d}&_shape=array" for d in paths]
            for c in CONNECTIONS:
                results.append(wrk(f"peer: Datasette drug effects ({label})", 1, c, urls, pid))
    return results


def import_result(database: str, load: Load) -> Result:
    note = f"{load.import_peak_rss_mb:.0f} MB"
    return Result(f"SIDER import, {database}", 1, 0, load.import_seconds, 0, 0, 0, note=note)


def run_postgres(sider: Path) -> list[Result]:
    """The uncached, symptom-check and slow-client runs again on a throwaway PostgreSQL."""
    directory = Path(tempfile.mkdtemp(prefix="sidefx-bench-"))
    cluster = new_cluster(directory)
    if cluster is None:
        log("PostgreSQL server binaries not found: PostgreSQL runs skipped")
        return []
    try:
        cluster.start()
        load = load_database(cluster.url, sider)
        results = [import_result("PostgreSQL", load)]
        symptom = {n for n in scenarios(cluster.url) if n.startswith("symptom")}
        wanted = {"drug effects (uncached, rotating)", "floor: /healthz (uncached server)"}
        results += run_sidefx(cluster.url, " (PostgreSQL)", False, wanted | symptom, (1,))
        results += run_sidefx(cluster.url, " (PostgreSQL)", True, set(), (1,))
        return results
    finally:
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


def main() -> None:
    sider = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "sider"
    if not sider.is_dir():
        sys.exit(f"SIDER files not found at {sider}: pass the folder as the first argument")
    started = time.perf_counter()
    db = fresh_sqlite("bench.db")
    url = f"sqlite:///{db}"
    load = load_database(url, sider)
    results = run_datasette(db)
    results.append(import_result("SQLite", load))
    results += run_sidefx(url, "", cache=True, only=None)
    results += run_sidefx(url, "", cache=False, only=None)
    results += run_postgres(sider)
    text_ = report(results, time.perf_counter() - started, DURATION)
    (ROOT / "benchmarks" / "results.md").write_text(text_)
    sys.stdout.write(text_)


if __name__ == "__main__":
    main()

"""The tables of benchmarks/scale.md, and each target of the scale issue checked against them."""

from dataclasses import dataclass, field

from benchmarks.harness import Load
from benchmarks.report import Result


@dataclass
class Run:
    scale: float
    database: str
    load: Load
    size_mb: float
    startup_s: float = 0.0
    startup_rss_mb: float = 0.0
    first_search_ms: float = 0.0
    indexed_rss_mb: float = 0.0  # after the name index is built
    results: list[Result] = field(default_factory=list)


def render(runs: list[Run], seconds: float, machine: str, duration: int) -> str:
    lines = [
        "# sidefx at 1x, 10x and 50x SIDER", "",
        f"Machine: {machine}.  ",
        f"Command: `make bench-scale` (total {seconds / 60:.0f} min; wrk {duration} s per run, "
        "loopback, 1 worker, response cache off: every request is answered from the database).  ",
        "Data: `benchmarks/synth.py` files at each scale (drawn from the real files' "
        "distributions; no row copied), on a fresh database each.",
        "", "## Loading and start-up", "",
        "| scale | database | import s | import peak RSS MB | database MB | worker start-up s "
        "| worker RSS MB | first search after ready ms | RSS with the name index MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for r in runs:
        lines.append(
            f"| {r.scale:g}x | {r.database} | {r.load.import_seconds:.0f} | "
            f"{r.load.import_peak_rss_mb:.0f} | {r.size_mb:.0f} | {r.startup_s:.1f} | "
            f"{r.startup_rss_mb:.0f} | {r.first_search_ms:.0f} | {r.indexed_rss_mb:.0f} |"
        )
    lines += ["", "## Uncached latency (ms)", "",
              "| request | scale | database | 1 client p50 | 1 client p99 | 64 conns p50 "
              "| 64 conns p99 | 64 conns req/s | errors |",
              "|---|---:|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    names = list(dict.fromkeys(res.name for r in runs for res in r.results))
    for name in names:
        for r in runs:
            by_conns = {res.connections: res for res in r.results if res.name == name}
            one, many = by_conns.get(1), by_conns.get(64)
            if one is None:
                continue
            crowd = (f"{many.p50_ms:.1f} | {many.p99_ms:.1f} | {many.rps:.0f}" if many
                     else "n/a | n/a | n/a")  # fmt: skip
            lines.append(
                f"| {name} | {r.scale:g}x | {r.database} | {one.p50_ms:.1f} | {one.p99_ms:.1f} | "
                f"{crowd} | {one.errors + (many.errors if many else 0)} |"
            )
    lines += [
        "",
        "Compare of the 10 largest drugs and the FHIR Bundle build every record of the "
        "largest drugs (seconds each): measured with one client for 4x longer; at 64 "
        "connections they would only queue for the worker's database threads. Before each "
        "run the harness waits until the server has answered what the last one left queued.",
    ]
    return "\n".join(lines + targets(runs)) + "\n"


def targets(runs: list[Run]) -> list[str]:
    lines = ["", "## Targets (10x against 1x, same database, same run)", ""]
    lines += ["| target | database | wanted | measured | met |", "|---|---|---|---|---|"]
    for database in dict.fromkeys(r.database for r in runs):
        by_scale = {r.scale: r for r in runs if r.database == database}
        base, ten = by_scale.get(1.0), by_scale.get(10.0)
        if base is not None and ten is not None:
            rows = [
                ("import time", "<= 12x",
                 ten.load.import_seconds / base.load.import_seconds, 12.0),
                ("import peak RSS", "<= 2x",
                 ten.load.import_peak_rss_mb / base.load.import_peak_rss_mb, 2.0),
            ]  # fmt: skip
            for name in dict.fromkeys(res.name for res in base.results):
                b = next(x for x in base.results if x.name == name and x.connections == 1)
                t = next((x for x in ten.results if x.name == name and x.connections == 1), None)
                if t is not None:  # none is exempt: no listed page reads every row
                    rows.append((f"p50, {name}", "<= 1.5x", t.p50_ms / b.p50_ms, 1.5))
            for label, wanted, value, limit in rows:
                met = "yes" if value <= limit else "**no**"
                lines.append(f"| {label} | {database} | {wanted} | {value:.2f}x | {met} |")
            rss = max(ten.startup_rss_mb, ten.indexed_rss_mb)
            lines.append(
                f"| worker start-up at 10x (RSS with the name index) | {database} | "
                f"<= 10 s, <= 500 MB | {ten.startup_s:.1f} s, {rss:.0f} MB | "
                f"{'yes' if ten.startup_s <= 10 and rss <= 500 else '**no**'} |"
            )
    errors = sum(res.errors for r in runs for res in r.results if res.connections == 64)
    lines.append(f"| errors at 64 connections, every size | all | 0 | {errors} | "
                 f"{'yes' if errors == 0 else '**no**'} |")  # fmt: skip
    return lines

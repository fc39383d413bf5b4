"""The results table of `make bench`, and each target of the performance issue checked
against it (ratios to the ceiling measured in the same run)."""

import os
import platform
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Result:
    name: str
    workers: int
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    meminfo = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    mem = int(meminfo.group(1)) // 1024**2 if meminfo else 0
    cpu = models[0] if models else platform.processor()
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem} GiB RAM, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )


def report(results: list[Result], seconds: float, duration: int) -> str:
    ceiling = ceilings(results)
    lines = [
        "# sidefx benchmark", "",
        f"Machine: {machine()}.  ",
        f"Command: `make bench` ({duration} s per run, wrk -t2 on loopback; "
        f"total {seconds:.0f} s).  ",
        "Ratio: requests/s over the bare-ASGI ceiling at the same connection count, same run "
        "(the mean of its runs at the start and at the end).",
        "", "| scenario | workers | conns | req/s | ratio | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for r in results:
        if r.name.startswith("RSS"):
            lines.append(f"| {r.name} | {r.workers} | | {r.rps:.0f} MB | | | | |")
            continue
        ratio = r.rps / ceiling[r.connections] if ceiling.get(r.connections) else 0
        lines.append(f"| {r.name} | {r.workers} | {r.connections} | {r.rps:.0f} | {ratio:.3f} | "
                     f"{r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.errors} |")  # fmt: skip
    return "\n".join(lines + targets(results)) + "\n"


def ceilings(results: list[Result]) -> dict[int, float]:
    """Connections -> the mean ceiling measured at that connection count."""
    runs: dict[int, list[float]] = {}
    for r in results:
        if r.name.startswith("ceiling"):
            runs.setdefault(r.connections, []).append(r.rps)
    return {c: sum(v) / len(v) for c, v in runs.items()}


def targets(results: list[Result]) -> list[str]:
    ceiling = ceilings(results)

    def ratios(name: str, workers: int = 1) -> list[float]:
        mine = [r for r in results if r.name == name and r.workers == workers]
        return [r.rps / ceiling[r.connections] for r in mine if r.connections in ceiling]

    def scaling(name: str) -> list[float]:
        one = {r.connections: r.rps for r in results if r.name == name and r.workers == 1}
        two = {r.connections: r.rps for r in results if r.name == name and r.workers == 2}
        return [two[c] / one[c] for c in one if c in two and one[c]]

    hot = ratios("drug detail (hot)") + ratios("drug effects (hot)")
    rss = [r.rps for r in results if r.name.startswith("RSS") and r.workers == 1]
    errors = sum(r.errors for r in results if not r.name.startswith("RSS"))
    rows: list[tuple[str, str, list[float], Callable[[float], bool]]] = [
        ("hot reads, 1 worker", ">= 0.15", hot, lambda v: v >= 0.15),
        ("uncached drug effects, 1 worker", ">= 0.05",
         ratios("drug effects (uncached, rotating)"), lambda v: v >= 0.05),
        ("reverse lookup page 1, 1 worker", ">= 0.01",
         ratios("reverse lookup, page 1"), lambda v: v >= 0.01),
        ("compare 3 drugs, 1 worker", ">= 0.005", ratios("compare 3 drugs"), lambda v: v >= 0.005),
        ("2 workers / 1 worker, uncached drug effects", ">= 1.7x",
         scaling("drug effects (uncached, rotating)"), lambda v: v >= 1.7),
        ("2 workers / 1 worker, hot drug effects", ">= 1.7x",
         scaling("drug effects (hot)"), lambda v: v >= 1.7),
        ("RSS with SIDER, 1 worker (MB)", "< 300", rss, lambda v: v < 300),
    ]  # fmt: skip
    lines = ["", "## Targets", "", "| target | wanted | measured | met |", "|---|---|---|---|"]
    for label, wanted, values, ok in rows:
        shown = " / ".join(f"{v:.3f}" if v < 10 else f"{v:.0f}" for v in values) or "not run"
        met = "yes" if values and all(ok(v) for v in values) else "**no**"
        lines.append(f"| {label} | {wanted} | {shown} | {met} |")
    lines.append(f"| errors, all runs | 0 | {errors} | {'yes' if errors == 0 else '**no**'} |")
    return lines

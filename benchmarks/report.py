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
    server_cores: float = 0.0  # CPU seconds per second: the server's processes
    client_cores: float = 0.0  # the same for wrk
    note: str = ""  # what else the run measured (the slow clients' traffic, an import's RSS)

    @property
    def server_us(self) -> float:
        """Server CPU per request, in microseconds."""
        return self.server_cores * 1e6 / self.rps if self.rps else 0.0


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
        "CPU: the server's CPU time per request, and the cores busy during the run (server + wrk;"
        " the machine has " f"{os.cpu_count()}).",
        "", "| scenario | workers | conns | req/s | ratio | p50 ms | p99 ms | errors "
        "| server CPU µs/req | cores: server + wrk |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for r in results:
        if r.name.startswith(("SIDER import", "cheap cached")):
            continue
        if r.name.startswith("RSS"):
            lines.append(f"| {r.name} | {r.workers} | | {r.rps:.0f} MB | | | | | | |")
            continue
        ratio = r.rps / ceiling[r.connections] if ceiling.get(r.connections) else 0
        lines.append(f"| {r.name} | {r.workers} | {r.connections} | {r.rps:.0f} | {ratio:.3f} | "
                     f"{r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.errors} | {r.server_us:.0f} | "
                     f"{r.server_cores:.2f} + {r.client_cores:.2f} |")  # fmt: skip
    sections = targets(results) + loading(results) + contention(results) + scaling_note(results)
    return "\n".join(lines + sections) + "\n"


def loading(results: list[Result]) -> list[str]:
    rows = [r for r in results if r.name.startswith("SIDER import")]
    lines = ["", "## Loading SIDER (after migrate + seed)", "", "| database | seconds | peak RSS |",
             "|---|---:|---:|"]  # fmt: skip
    for r in rows:
        lines.append(f"| {r.name.split(',')[1].split('(')[0].strip()} | {r.rps:.1f} | {r.note} |")
    return lines if rows else []


def contention(results: list[Result]) -> list[str]:
    """The cheap cached request with one connection, alone and beside two slow clients."""
    rows = [r for r in results if r.name.startswith("cheap cached")]
    lines = ["", "## A cheap cached request beside two slow clients (1 worker, 1 connection)", "",
             "| run | req/s | p50 ms | p99 ms | errors | slow clients |",
             "|---|---:|---:|---:|---:|---|"]  # fmt: skip
    for r in rows:
        lines.append(f"| {r.name.removeprefix('cheap cached request, ')} | {r.rps:.0f} | "
                     f"{r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.errors} | {r.note} |")  # fmt: skip
    return lines if rows else []


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


def scaling_note(results: list[Result]) -> list[str]:
    """Why hot reads may not double with a second worker: the cores left over for it."""
    lines = ["", "## Hot reads with 2 workers: where the CPU went", ""]
    for c in sorted({r.connections for r in results if r.name == "drug effects (hot)"}):
        one = [r for r in results if r.name == "drug effects (hot)" and r.connections == c]
        by_workers = {r.workers: r for r in one}
        if 1 not in by_workers or 2 not in by_workers:
            continue
        w1, w2 = by_workers[1], by_workers[2]
        lines.append(
            f"- {c} connections: 1 worker used {w1.server_cores:.2f} cores at "
            f"{w1.server_us:.0f} µs/request (wrk {w1.client_cores:.2f}); 2 workers used "
            f"{w2.server_cores:.2f} cores at {w2.server_us:.0f} µs/request "
            f"(wrk {w2.client_cores:.2f}), so {w2.server_cores + w2.client_cores:.2f} of "
            f"{os.cpu_count()} cores were busy."
        )
    return lines if len(lines) > 3 else []

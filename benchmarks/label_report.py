"""The label-truth report: one markdown section per run (replacing a section of the same
heading, so before and after stand side by side), the headline figures, the JSON dump."""

import json
import re
import subprocess
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.label_gold import Item, LabelResult, Summary, precision, share, summarise

ROOT = Path(__file__).resolve().parent.parent


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def commit() -> str:
    """The commit, marked when the code measured differs from it (app/ or migrations/)."""
    changed = _git("status", "--porcelain", "--", "app", "migrations")
    return _git("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if changed else "")


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _part(part: int, whole: int) -> str:
    ratio = share(part, whole)
    return f"{part} of {whole}" + ("" if ratio is None else f" ({ratio:.1%})")


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.2%}"


def headline(results: list[LabelResult]) -> str:
    s = summarise(results)
    return "\n".join(
        [
            f"(d) labels resolved: {s.resolved} of {s.labels}",
            f"(a) precision@10: mean {_figure(s.p10_mean)} over {s.scored} labels, "
            f"pooled {_figure(s.p10_micro)} (by MedDRA PT name: mean {_figure(s.p10_pt_mean)}, "
            f"pooled {_figure(s.p10_pt_micro)})",
            f"(b) flagged records the label lists: {_part(s.flagged_listed, s.flagged)} "
            f"(by MedDRA PT name: {_part(s.flagged_listed_pt, s.flagged)})",
            f"(c) symptom checks not explaining a label-listed SIDER effect: "
            f"{_part(s.not_explained, s.checks)}, of which {s.not_explained_only_flagged} "
            "had only flagged records",
        ]
    )


def _figures(s: Summary) -> list[str]:
    return [
        "| figure | value |",
        "|---|---|",
        f"| (d) labels resolved by their brand | {s.resolved} of {s.labels} |",
        f"| (a) precision@10, mean over labels with a list | {_figure(s.p10_mean)} "
        f"({s.scored} labels) |",
        f"| (a) precision@10, pooled | {_figure(s.p10_micro)} |",
        f"| (a) precision@10 by MedDRA PT name only, mean / pooled | {_figure(s.p10_pt_mean)} "
        f"/ {_figure(s.p10_pt_micro)} |",
        f"| (b) flagged records the label lists | {_part(s.flagged_listed, s.flagged)} |",
        f"| (b) the same by MedDRA PT name only | {_part(s.flagged_listed_pt, s.flagged)} |",
        f"| (c) symptom checks that do not explain the symptom | "
        f"{_part(s.not_explained, s.checks)} |",
        f"| (c) of these, drug x effect with only flagged records | "
        f"{s.not_explained_only_flagged} |",
        f"| (c) label-listed side effects SIDER lists (before the cap of 30 a label) | "
        f"{s.checkable} |",
    ]


def _by_flag(s: Summary) -> list[str]:
    rows = [f"| {flag} | {n} | {_part(k, n)} |" for flag, (n, k) in s.by_flag.items()]
    return ["| flag | records | listed by the label |", "|---|---|---|", *rows]


def _per_label(results: list[LabelResult]) -> list[str]:
    rows = ["| label | slug | p@10 | flagged | flagged, listed | checks | not explained |"]
    rows.append("|---|---|---|---|---|---|---|")
    for r in results:
        if r.slug:
            missed = sum(not c.explained for c in r.checks)
            p10 = _figure(precision([i.listed for i in r.top]))
            flagged_listed = sum(i.listed for i in r.flagged)
            rows.append(
                f"| {r.label_id} | {r.slug} | {p10} | {len(r.flagged)} | {flagged_listed} "
                f"| {len(r.checks)} | {missed} |"
            )
    return rows


def _top(drug: str, items: list[Item]) -> list[str]:
    rows = [f"#### {drug}", "", "| # | effect | context | band | frequency | placebo | flag |"]
    rows.append("|---|---|---|---|---|---|---|")
    for n, i in enumerate(items, 1):
        rows.append(
            f"| {n} | {i.name} | {i.context} | {i.band} | {_percent(i.frequency)} "
            f"| {_percent(i.placebo)} | {i.flag or '-'} |"
        )
    return [*rows, ""]


def section(
    heading: str | None,
    results: list[LabelResult],
    showcase: dict[str, list[Item]],
    seconds: tuple[float, float],
) -> str:
    s = summarise(results)
    today = datetime.now(UTC).date().isoformat()
    lines = [
        f"## {heading or 'Run at ' + commit()}",
        "",
        f"Measured {today} on commit {commit()}: {s.labels} gold labels; database loaded in "
        f"{seconds[0]:.0f} s, whole run {seconds[1]:.0f} s.",
        "",
        *_figures(s),
        "",
        "(b) by flag:",
        "",
        *_by_flag(s),
        "",
        f"Unresolved labels ({len(s.unresolved)}): {', '.join(s.unresolved) or 'none'}.",
        "",
        "### Per label",
        "",
        *_per_label(results),
        "",
        "### Default top 10 (`/v1/drugs/{drug}/effects?context=side_effect&limit=10`)",
        "",
    ]
    for drug, items in showcase.items():
        lines += _top(drug, items)
    return "\n".join(lines).rstrip() + "\n"


def write_section(path: Path, text: str) -> None:
    """Put the section in the report: in place of one with the same heading, else at the end."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Label truth\n"
    heading = text.splitlines()[0]
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(old):
        new = pattern.sub(lambda _: text + "\n", old, count=1)
    else:
        new = old.rstrip() + "\n\n" + text
    path.write_text(new.rstrip() + "\n", encoding="utf-8")


def dump(path: Path, results: list[LabelResult]) -> None:
    """Per label: the top 10 and every flagged record with listed yes/no, and each check."""
    path.write_text(json.dumps([asdict(r) for r in results], indent=1) + "\n", encoding="utf-8")

"""Search latency at SIDER scale, in process: `python benchmarks/search_latency.py SIDER_DIR`.

Builds the name index from SIDER's drug names, brand names and side-effect terms (plus the
curated seed) and times a mix of autocomplete prefixes, misspellings and exact names.
"""

import gzip
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

from app.services.name_index import Entry, NameIndex
from app.text import slugify

ROOT = Path(__file__).resolve().parent.parent


def _open(path: Path) -> list[str]:
    gz = path.with_name(path.name + ".gz")
    if gz.exists():
        return gzip.open(gz, "rt", encoding="utf-8", errors="replace").read().splitlines()
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


def sider_entries(directory: Path) -> list[Entry]:
    entries: dict[tuple[str, str, str], Entry] = {}
    for line in _open(directory / "label_mapping.tsv"):
        fields = line.split("\t")
        if len(fields) < 2 or not fields[0]:
            continue
        generic = fields[0].split(",")[0].strip()
        slug = slugify(generic)
        entries[("drug", slug, generic)] = Entry("drug", slug, generic, generic, None)
        for brand in filter(None, (b.strip() for b in fields[1].split(","))):
            entries[("drug", slug, brand)] = Entry("drug", slug, generic, brand, "brand")
    for line in _open(directory / "meddra_all_se.tsv"):
        fields = line.split("\t")
        if len(fields) == 6 and fields[3] == "PT":
            slug = slugify(fields[5])
            entries[("effect", slug, fields[5])] = Entry("effect", slug, fields[5], fields[5], None)
    for file, type_ in (("drugs", "drug"), ("effects", "effect")):
        for record in yaml.safe_load((ROOT / "seed_data" / f"{file}.yaml").read_text()):
            slug, name = record["slug"], record["name"]
            entries[(type_, slug, name)] = Entry(type_, slug, name, name, None)
    return list(entries.values())


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    return word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + "x" + word[i + 1 :]


def main(directory: Path, runs: int = 3000) -> None:
    started = time.perf_counter()
    entries = sider_entries(directory)
    index = NameIndex(entries)
    built = time.perf_counter() - started
    rng = random.Random(7)
    names = [e.matched for e in entries if len(e.matched) >= 5]
    queries = []
    for _ in range(runs):
        name = rng.choice(names).lower()
        queries.append(rng.choice([name[: rng.randint(2, 5)], typo(name, rng), name]))
    timings = []
    for q in queries:
        t = time.perf_counter()
        index.search(q, limit=10)
        timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    p = lambda f: timings[min(len(timings) - 1, int(f * len(timings)))]  # noqa: E731
    drugs = len({e.slug for e in entries if e.type == "drug"})
    effects = len({e.slug for e in entries if e.type == "effect"})
    sys.stdout.write(
        f"index: {len(entries)} names ({drugs} drugs, {effects} effects), built in {built:.2f} s\n"
        f"{runs} queries: p50 {p(0.5):.2f} ms, p90 {p(0.9):.2f} ms, p99 {p(0.99):.2f} ms, "
        f"max {timings[-1]:.2f} ms, mean {statistics.mean(timings):.2f} ms\n"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "sider")

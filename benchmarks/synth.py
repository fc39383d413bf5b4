"""SIDER-format files at N x the real size, with the real files' shape and none of their rows.

`python -m benchmarks.synth SIDER_DIR OUT_DIR --scale N [--seed S]` reads the real SIDER 4.1
files once to measure their shape (effects per drug, how popular each effect is, LLT rows per
PT row, frequency rows per pair, placebo share, percentages vs ranges vs frequency words, label
mapping rows and brands per drug, indications per drug, their detection methods and how many
of them are also a side effect of the drug), then writes the three 4.1 files and a 4.0-style
label_mapping.tsv for N x as many drugs, deterministic for a seed.

What is synthetic: every drug (ids from 50,000,001 up, invented names and brands), every
drug-effect pair, every frequency. What is kept from the real files: the MedDRA vocabulary (the
UMLS CUIs and names of the preferred terms, a public terminology), so curated effects meet the
synthetic records by code as they meet SIDER's. A larger dataset uses a larger vocabulary: the
real one, then invented terms, up to sqrt(N) x its size and at most MedDRA's ~24,000 preferred
terms (the count of distinct terms grows more slowly than the count of labels).
"""

import argparse
import bisect
import gzip
import itertools
import math
import random
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

FIRST_CID = 50_000_001  # synthetic PubChem ids: clear of SIDER's and the curated drugs'
STITCH_OFFSET = 100_000_000
MEDDRA_PREFERRED_TERMS = 24_000
SYLLABLES = [a + b for a in "bcdfglmnprstvz" for b in "aeiou"]  # 70
SUFFIXES = ["mab", "nib", "pril", "olol", "azepam", "statin", "sartan", "cillin", "vir",
            "oxacin", "dronate", "tidine", "prazole", "triptan", "afil", "lukast"]  # fmt: skip


def lines(path: Path) -> Iterator[list[str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as file:
        for line in file:
            yield line.rstrip("\n").split("\t")


def find(directory: Path, name: str) -> Path:
    for candidate in (directory / f"{name}.tsv", directory / f"{name}.tsv.gz"):
        if candidate.exists():
            return candidate
    sys.exit(f"{name}.tsv(.gz) not found in {directory}")


@dataclass
class Shape:
    """Distributions measured on the real files (each an empirical sample to draw from)."""

    effects_per_drug: list[int] = field(default_factory=list)
    vocabulary: list[tuple[str, str]] = field(default_factory=list)  # (CUI, name), most used first
    popularity: list[int] = field(default_factory=list)  # drugs per term, same order
    llt_share: float = 0.0  # PT pairs that also have an LLT row
    freq_pair_share: float = 0.0  # pairs with frequency rows
    rows_per_freq_pair: list[int] = field(default_factory=list)
    placebo_share: float = 0.0
    word_share: float = 0.0  # frequency rows given as words
    range_share: float = 0.0  # of numeric rows, those with lower < upper
    words: list[tuple[str, float, float]] = field(default_factory=list)  # with their bounds
    lowers: list[float] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    mapping_rows_per_drug: list[int] = field(default_factory=list)
    brands_per_drug: list[int] = field(default_factory=list)
    indications_per_drug: list[int] = field(default_factory=list)
    indication_is_effect_share: float = 0.0
    methods: list[str] = field(default_factory=list)  # NLP_indication, text_mention, ... per row


def measure(directory: Path) -> Shape:
    shape = Shape()
    pairs: dict[int, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    llt: set[tuple[int, str]] = set()
    for f in lines(find(directory, "meddra_all_se")):
        cid = int(f[0][4:])
        if f[3] == "PT":
            pairs[cid].add(f[4])
            names.setdefault(f[4], f[5])
        else:
            llt.add((cid, f[4]))
    shape.effects_per_drug = [len(v) for v in pairs.values()]
    popularity = Counter(cui for v in pairs.values() for cui in v)
    ranked = popularity.most_common()
    shape.vocabulary = [(cui, names[cui]) for cui, _ in ranked]
    shape.popularity = [n for _, n in ranked]
    total_pairs = sum(shape.effects_per_drug)
    shape.llt_share = sum((c, u) in llt for c, v in pairs.items() for u in v) / total_pairs

    per_pair: Counter[tuple[int, str]] = Counter()
    placebo = words = ranges = numeric = 0
    for f in lines(find(directory, "meddra_freq")):
        if f[7] != "PT":
            continue
        per_pair[int(f[0][4:]), f[8]] += 1
        placebo += f[3] == "placebo"
        if any(c.isdigit() for c in f[4]):
            numeric += 1
            lower, upper = float(f[5]), float(f[6])
            shape.lowers.append(lower)
            if upper > lower:
                ranges += 1
                shape.widths.append(upper - lower)
        else:
            words += 1
            shape.words.append((f[4], float(f[5]), float(f[6])))
    rows = sum(per_pair.values())
    shape.freq_pair_share = len(per_pair) / total_pairs
    shape.rows_per_freq_pair = list(per_pair.values())
    shape.placebo_share, shape.word_share = placebo / rows, words / rows
    shape.range_share = ranges / max(numeric, 1)

    mapping: Counter[int] = Counter()
    brands: dict[int, set[str]] = defaultdict(set)
    for f in lines(find(directory, "label_mapping")):
        flat = next((int(x) for x in f[3:] if x.startswith("-1") and x[1:].isdigit()), None)
        if flat is None or len(f) < 4 or f[2]:
            continue
        cid = -flat - STITCH_OFFSET
        mapping[cid] += 1
        if f[0] and f[1] and f[0].lower() != f[1].lower():
            brands[cid].add(f[1].lower())
    shape.mapping_rows_per_drug = [mapping[c] for c in pairs if c in mapping] or [1]
    shape.brands_per_drug = [len(brands[c]) for c in pairs]

    indications: dict[int, set[str]] = defaultdict(set)
    for f in lines(find(directory, "meddra_all_indications")):
        if f[4] == "PT":
            indications[int(f[0][4:])].add(f[5])
            shape.methods.append(f[2])
    shape.indications_per_drug = [len(indications[c]) for c in pairs]
    listed = sum(len(v) for v in indications.values()) or 1
    overlap = sum(len(v & pairs.get(c, set())) for c, v in indications.items())
    shape.indication_is_effect_share = overlap / listed
    return shape


def summary(shape: Shape) -> str:
    return (
        f"real shape: {len(shape.effects_per_drug)} drugs, {len(shape.vocabulary)} terms, "
        f"effects/drug median {statistics.median(shape.effects_per_drug):.0f} "
        f"(max {max(shape.effects_per_drug)}), LLT share {shape.llt_share:.2f}, "
        f"pairs with frequencies {shape.freq_pair_share:.2f} "
        f"({statistics.mean(shape.rows_per_freq_pair):.2f} rows each), placebo "
        f"{shape.placebo_share:.2f}, words {shape.word_share:.2f}, ranges {shape.range_share:.2f}"
    )


def drug_name(k: int) -> str:
    """A unique pronounceable name for synthetic drug k ("Bavotinib", "Ludesaprazole")."""
    parts = []
    n = k
    while True:
        n, digit = divmod(n, len(SYLLABLES))
        parts.append(SYLLABLES[digit])
        if n == 0:
            break
    return ("".join(parts) + SUFFIXES[k % len(SUFFIXES)]).capitalize()


class Writer:
    """The synthetic files, written drug by drug (memory stays flat whatever N)."""

    def __init__(self, shape: Shape, scale: float, seed: int) -> None:
        self.shape, self.rng = shape, random.Random(seed)
        real = len(shape.vocabulary)
        size = min(max(real, round(real * math.sqrt(scale))), max(real, MEDDRA_PREFERRED_TERMS))
        invented = [(f"C9{i:06d}", f"Synthetic term {i}") for i in range(size - real)]
        self.vocabulary = shape.vocabulary + invented
        # Invented terms take the popularity curve again, so the tail keeps its shape.
        weights = [shape.popularity[i % real] for i in range(size)]
        self.cumulative = list(itertools.accumulate(weights))
        self.drugs = round(len(shape.effects_per_drug) * scale)

    def effects_for(self, count: int) -> list[int]:
        count = min(count, len(self.vocabulary))
        chosen: set[int] = set()
        total = self.cumulative[-1]
        while len(chosen) < count:
            chosen.add(bisect.bisect(self.cumulative, self.rng.random() * total))
        return sorted(chosen)

    def frequency(self) -> tuple[str, float, float]:
        s, rng = self.shape, self.rng
        if rng.random() < s.word_share:
            return rng.choice(s.words)
        lower = rng.choice(s.lowers)
        if rng.random() < s.range_share:
            upper = min(1.0, lower + rng.choice(s.widths))
            return f"{lower * 100:g}-{upper * 100:g}%", lower, upper
        return f"{lower * 100:g}%", lower, lower

    def write(self, out: Path) -> dict[str, int]:
        out.mkdir(parents=True, exist_ok=True)
        counts: Counter[str] = Counter()
        with (
            open(out / "meddra_all_se.tsv", "w") as se,
            open(out / "meddra_freq.tsv", "w") as freq,
            open(out / "meddra_all_indications.tsv", "w") as ind,
            open(out / "label_mapping.tsv", "w") as mapping,
        ):
            for k in range(self.drugs):
                self._drug(k, se, freq, ind, mapping, counts)
        return dict(counts)

    def _drug(
        self, k: int, se: IO[str], freq: IO[str], ind: IO[str], mapping: IO[str],
        counts: Counter[str],
    ) -> None:  # fmt: skip
        s, rng = self.shape, self.rng
        cid = FIRST_CID + k
        flat, stereo = f"CID{STITCH_OFFSET + cid}", f"CID{cid:09d}"
        effects = self.effects_for(rng.choice(s.effects_per_drug))
        for j in effects:
            cui, name = self.vocabulary[j]
            if rng.random() < s.llt_share:
                se.write(f"{flat}\t{stereo}\t{cui}\tLLT\t{cui}\t{name}\n")
            se.write(f"{flat}\t{stereo}\t{cui}\tPT\t{cui}\t{name}\n")
            counts["pairs"] += 1
            if rng.random() < s.freq_pair_share:
                for _ in range(rng.choice(s.rows_per_freq_pair)):
                    placebo = "placebo" if rng.random() < s.placebo_share else ""
                    text, lower, upper = self.frequency()
                    freq.write(f"{flat}\t{stereo}\t{cui}\t{placebo}\t{text}\t{lower:g}\t"
                               f"{upper:g}\tPT\t{cui}\t{name}\n")  # fmt: skip
                    counts["frequency rows"] += 1
        for _ in range(rng.choice(s.indications_per_drug)):
            if effects and rng.random() < s.indication_is_effect_share:
                j = rng.choice(effects)
            else:
                j = self.effects_for(1)[0]
            cui, name = self.vocabulary[j]
            method = rng.choice(s.methods)  # the importer reads only NLP_indication rows
            ind.write(f"{flat}\t{cui}\t{method}\t{name}\tPT\t{cui}\t{name}\n")
        generic = drug_name(k)
        brands = [
            drug_name((k << 8) + b + 10_000_000).upper()
            for b in range(rng.choice(s.brands_per_drug))
        ]
        rows = max(rng.choice(s.mapping_rows_per_drug), len(brands), 1)
        for r in range(rows):
            brand = brands[r] if r < len(brands) else ""
            url = f"http://labels.invalid/{k}/{r}"
            mapping.write(f"{generic.upper()}\t{brand}\t\t-{STITCH_OFFSET + cid}\t-{cid}\t"
                          f"{generic.upper()}\t{url}\tsynth/{k}-{r}\n")  # fmt: skip
        counts["drugs"] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sider", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    shape = measure(args.sider)
    sys.stderr.write(summary(shape) + "\n")
    counts = Writer(shape, args.scale, args.seed).write(args.out)
    sys.stderr.write(f"wrote {args.out}: {counts}\n")


if __name__ == "__main__":
    main()

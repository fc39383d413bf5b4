"""Search quality and latency on a real database: `python benchmarks/search_quality.py DB_URL`.

Runs tests/data/search_cases.csv against the in-process index built from the database (e.g. the
`make bench` database, with SIDER imported) and times random prefixes, typos and names.
"""

import csv
import random
import sys
import time
from pathlib import Path

from sqlalchemy.orm import Session

from app.db import make_engine
from app.services.names.index_cache import name_index

ROOT = Path(__file__).resolve().parent.parent


def main(url: str) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        started = time.perf_counter()
        index = name_index(session)
        built = time.perf_counter() - started
    cases = list(
        csv.DictReader((ROOT / "tests" / "data" / "search_cases.csv").read_text().splitlines())
    )
    at_one = at_five = 0
    misses = []
    for case in cases:
        top = [
            m.entry.slug for m in index.search(case["query"], type=case["type"] or None, limit=5)
        ]
        at_one += bool(top) and top[0] == case["expected"]
        at_five += case["expected"] in top
        if not top or top[0] != case["expected"]:
            misses.append(f"  {case['query']!r}: expected {case['expected']}, got {top[:3]}")
    rng = random.Random(7)
    names = [e.matched.lower() for e in index.entries if len(e.matched) >= 5]
    queries = []
    for _ in range(3000):
        name = rng.choice(names)
        i = rng.randrange(len(name))
        typo = name[:i] + name[i + 1 :]
        queries.append(rng.choice([name[: rng.randint(2, 5)], typo, name]))
    timings = []
    for q in queries:
        t = time.perf_counter()
        index.search(q, limit=10)
        timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    drugs = len({e.slug for e in index.entries if e.type == "drug"})
    effects = len({e.slug for e in index.entries if e.type == "effect"})
    sys.stdout.write(
        f"catalog: {len(index.entries)} names ({drugs} drugs, {effects} effects), "
        f"built {built:.2f} s\n"
        f"quality: {len(cases)} queries, precision@1 {at_one / len(cases):.3f}, "
        f"recall@5 {at_five / len(cases):.3f}\n" + "\n".join(misses) + "\n"
        f"latency ({len(queries)} queries): p50 {timings[len(timings) // 2]:.2f} ms, "
        f"p99 {timings[int(len(timings) * 0.99)]:.2f} ms, max {timings[-1]:.2f} ms\n"
    )


if __name__ == "__main__":
    main(sys.argv[1])

"""A cheap cached request's latency alone, then while two clients stream slow uncached requests.

`python -m benchmarks.contention DATABASE_URL PORT` measures a server already running on PORT
over DATABASE_URL (any sidefx version: the slow requests are ones every version answers).
`make bench` runs it on SQLite and on PostgreSQL.
"""

import random
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from sqlalchemy import create_engine, text

from benchmarks.harness import DURATION, PORT, log, wrk
from benchmarks.report import Result

CHEAP = "/v1/drugs/clonazepam"
SLOW_CLIENTS = 2


@dataclass
class SlowTraffic:
    """What the slow clients did: how many requests, how long each took, their statuses."""

    seconds: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def record(self, status: int, seconds: float) -> None:
        self.seconds.append(seconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def summary(self) -> str:
        ordered = sorted(self.seconds) or [0.0]
        median = ordered[len(ordered) // 2] * 1000
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))
        return f"{len(self.seconds)} slow requests, median {median:.0f} ms ({statuses})"


def slow_paths(database_url: str, count: int = 400) -> list[str]:
    """Requests that miss every cache and cost the most a client may ask for: compare of 10
    random large drugs, the most shared effect's drugs at deep offsets, a large drug's SIDER
    rows at its last page."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        large = conn.execute(text(
            "SELECT d.slug, count(*) n FROM drug_effect de JOIN drug d ON d.id = de.drug_id "
            "GROUP BY d.slug ORDER BY n DESC LIMIT 60"
        )).all()  # fmt: skip
        shared, users = conn.execute(text(
            "SELECT e.slug, count(DISTINCT de.drug_id) n FROM drug_effect de "
            "JOIN effect e ON e.id = de.effect_id GROUP BY e.slug ORDER BY n DESC LIMIT 1"
        )).one()  # fmt: skip
    engine.dispose()
    rng = random.Random(20)
    paths = []
    for i in range(count):
        kind = i % 3
        if kind == 0:
            drugs = ",".join(rng.sample([slug for slug, _ in large], 10))
            paths.append(f"/v1/compare?drugs={drugs}")
        elif kind == 1:
            paths.append(f"/v1/effects/{shared}/drugs?offset={rng.randrange(0, users)}")
        else:
            slug, n = rng.choice(large)
            paths.append(
                f"/v1/drugs/{slug}/effects?source=sider-4-1&offset={n - rng.randrange(1, 20)}"
            )
    return paths


def _stream(port: int, paths: list[str], stop: threading.Event, traffic: SlowTraffic) -> None:
    rng = random.Random()
    while not stop.is_set():
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{rng.choice(paths)}", timeout=60):
                status = 200
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        traffic.record(status, time.perf_counter() - started)


def measure(
    label: str, database_url: str, port: int = PORT, pid: int | None = None
) -> list[Result]:
    """The cheap request with one connection: alone, then beside two slow clients."""
    urllib.request.urlopen(f"http://127.0.0.1:{port}{CHEAP}").read()  # cached from here on
    alone = wrk(f"cheap cached request, alone ({label})", 1, 1, [CHEAP], pid, port=port)
    paths = slow_paths(database_url)
    stop, traffic = threading.Event(), SlowTraffic()
    clients = [
        threading.Thread(target=_stream, args=(port, paths, stop, traffic), daemon=True)
        for _ in range(SLOW_CLIENTS)
    ]
    for client in clients:
        client.start()
    time.sleep(1)  # both slow clients busy before the measurement starts
    try:
        busy = wrk(f"cheap cached request, 2 slow clients ({label})", 1, 1, [CHEAP], pid, port=port)
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=120)
    log(f"  {label}: {traffic.summary()}")
    busy.note = traffic.summary()
    return [alone, busy]


def main() -> None:
    database_url, port = sys.argv[1], int(sys.argv[2])
    for result in measure(database_url.split(":", 1)[0], database_url, port):
        sys.stdout.write(f"{result}\n")
    sys.stdout.write(f"(each run {DURATION} s)\n")


if __name__ == "__main__":
    main()

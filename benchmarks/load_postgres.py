"""Bounded loopback load against `sidefx serve --workers 2` on a throwaway PostgreSQL.

`python benchmarks/load_postgres.py [SIDER_DIR]`: starts its own PostgreSQL cluster (Debian's
binaries), migrates, seeds, imports SIDER if given, then runs wrk for 60 s at 64 and at 128
connections over a rotating mix of reads, and prints throughput, latency and errors.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import BIN, OUT, PORT, server, wrk  # noqa: E402
from tests.pg_cluster import new_cluster  # noqa: E402

SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))


def main() -> None:
    directory = Path(tempfile.mkdtemp(prefix="sidefx-load-"))
    cluster = new_cluster(directory)
    if cluster is None:
        sys.exit("PostgreSQL server binaries not found (apt-get install postgresql)")
    try:
        cluster.start()
        env = {"SIDEFX_DATABASE_URL": cluster.url, "SIDEFX_LOG_LEVEL": "WARNING"}
        for step in (["db", "upgrade"], ["seed"]):
            subprocess.run([str(BIN / "sidefx"), *step], check=True, env={**os.environ, **env})
        if len(sys.argv) > 1:
            subprocess.run([str(BIN / "sidefx"), "import", "sider", sys.argv[1]], check=True,
                           env={**os.environ, **env})  # fmt: skip
        engine = create_engine(cluster.url)
        with engine.connect() as conn:
            drugs = list(conn.execute(text("SELECT slug FROM drug ORDER BY slug")).scalars())
            effects = list(conn.execute(text("SELECT slug FROM effect ORDER BY slug")).scalars())
        engine.dispose()
        paths = []
        for i, drug in enumerate(drugs):
            paths += [f"/v1/drugs/{drug}", f"/v1/drugs/{drug}/effects",
                      f"/v1/effects/{effects[i % len(effects)]}/drugs",
                      f"/v1/search?q={drug[:4]}"]  # fmt: skip
        OUT.mkdir(parents=True, exist_ok=True)
        args = [str(BIN / "sidefx"), "serve", "--port", str(PORT), "--workers", "2"]
        with server(args, env, "/readyz"):
            for connections in (64, 128):
                rps, p50, p99, errors = wrk(paths, connections, seconds=SECONDS)
                sys.stdout.write(
                    f"{SECONDS} s, {connections} connections, {len(paths)} rotating URLs: "
                    f"{rps:.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, errors {errors}\n"
                )
    finally:
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()

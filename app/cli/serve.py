"""`sidefx serve`: the HTTP API under uvicorn, one process or a supervisor and its workers."""

import os
import tempfile
from contextlib import ExitStack
from typing import Annotated

import typer
import uvicorn

from app.config import get_settings
from app.edge.workers import run_workers
from app.logging_config import configure_logging


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    worker_timeout: Annotated[
        int, typer.Option(min=1, help="Seconds a worker has to answer the supervisor, starting.")
    ] = 60,
) -> None:
    """Serve the HTTP API with uvicorn."""
    settings = get_settings()
    config = uvicorn.Config(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # uvicorn's 5 s: a worker starting on a busy host was killed before it could answer, and
        # replaced, in a loop.
        timeout_worker_healthcheck=worker_timeout,
        # asyncio, not uvloop: under saturation uvloop left some connections waiting seconds
        # (p99 2-4 s, wrk timeouts) where asyncio kept p99 near twice the median.
        loop="asyncio",
        # Named, not passed: a spawned worker imports it once it answers the supervisor.
        http="app.edge.protocol:SidefxHttpProtocol",
        proxy_headers=True,
        log_config=None,  # create_app() configures logging (JSON, with request ids)
        access_log=False,  # our access log line carries the request id
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
        timeout_keep_alive=settings.keep_alive_timeout,
    )
    if workers > 1:
        configure_logging(settings.log_level, settings.log_format)  # the supervisor's lines
        with ExitStack() as stack:
            if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
                # Each worker writes its metrics here so /metrics can sum them (prometheus_client).
                metrics_dir = tempfile.TemporaryDirectory(prefix="sidefx-metrics-")
                os.environ["PROMETHEUS_MULTIPROC_DIR"] = stack.enter_context(metrics_dir)
            run_workers(config)
        return
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        raise typer.Exit(3)  # as uvicorn.run: the app or the socket failed at startup

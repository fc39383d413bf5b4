"""`python -m tests.slow_server PORT`: the production app served as `sidefx serve` serves it
(uvicorn, our HTTP protocol, settings from the environment), plus one costly route whose
statement runs 10 minutes unless something stops it: `/v1/drugs/slowamine/fhir`, which the
FHIR Bundle's template marks costly. A flood of expensive requests, on demand."""

import sys

import uvicorn
from fastapi import FastAPI, Request
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.edge.protocol import SidefxHttpProtocol
from app.main import create_app

_SQLITE_ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*)"


def endless(session: Session) -> object:
    if session.get_bind().dialect.name == "postgresql":
        return session.execute(text("SELECT pg_sleep(600)")).scalar()
    return session.execute(text(_SQLITE_ENDLESS + " FROM n")).scalar()


def create_slow_app() -> FastAPI:
    app = create_app()

    @app.get("/v1/drugs/slowamine/fhir", include_in_schema=False)
    async def slowamine(request: Request) -> object:
        return (await request.app.state.database.read(endless)).value

    app.router.routes.insert(0, app.router.routes.pop())  # before /v1/drugs/{drug}/fhir
    return app


if __name__ == "__main__":
    uvicorn.run(
        "tests.slow_server:create_slow_app",
        factory=True,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        loop="asyncio",
        http=SidefxHttpProtocol,
        log_config=None,
        access_log=False,
    )

"""`sidefx mcp`: the MCP tools over stdio, for assistants that start the server themselves.
The database is SIDEFX_DATABASE_URL's, as for `serve`."""

import anyio
import typer

from app.config import get_settings
from app.db import Database, make_engine
from app.mcp_tools import build_server
from app.services.meta import data_version


def mcp_command() -> None:
    """Serve the MCP tools (drug effects by context, compare, explain a symptom, look up by
    code) over stdio. Logs go to stderr; stdout carries the protocol."""
    settings = get_settings()
    engine = make_engine(settings.database_url, settings=settings)
    database = Database.for_engine(engine, settings, data_version)
    server = build_server(lambda: database)
    try:
        anyio.run(server.run_stdio_async)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    finally:
        engine.dispose()

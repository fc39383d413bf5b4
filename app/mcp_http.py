"""The MCP tools over streamable HTTP at /mcp, in the app itself (app/mcp_tools.py).

Stateless, JSON responses: each POST is a whole exchange, so no MCP session outlives its
request and nothing is kept between calls. The SDK's session manager runs in the app's
lifespan (a router's lifespan, which FastAPI merges into the app's). DNS-rebinding protection
is off: it guards local servers holding private data behind the browser's back, and this
endpoint serves public reference data, as the JSON API does, to any origin.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route

from app.db import Database
from app.mcp_tools import build_server

PATH = "/mcp"


def mount(app: FastAPI) -> None:
    """Serve the tools at PATH, calling services through the app's Database."""

    def database() -> Database:
        found: Database = app.state.database
        return found

    server = build_server(database)
    server.streamable_http_app(
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    manager = server.session_manager

    @asynccontextmanager
    async def running(_: FastAPI) -> AsyncIterator[None]:
        async with manager.run():
            yield

    app.include_router(APIRouter(lifespan=running))
    app.router.routes.append(Route(PATH, StreamableHTTPASGIApp(manager), include_in_schema=False))

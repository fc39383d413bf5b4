"""Limits a request meets before any route runs, as pure ASGI middleware.

- BodyLimit: refuses bodies over 64 KiB with a 413 problem (the symptom check), 1 MiB for
  CDS Hooks calls (an EHR's prefetch of the patient's resources).
- CostlyRoutes (inside the response cache): marks the requests of costly routes, whose
  database calls share a smaller capacity (app/db_calls.py).
"""

from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import problems
from app.db_calls import costly_call
from app.edge.problem_responses import send_problem

MAX_BODY_BYTES = 64 * 1024
MAX_CDS_BODY_BYTES = 1024 * 1024
CDS_PATH = "/cds-services"


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # An EHR's CDS Hooks call carries the patient's prefetch (medications, conditions,
        # observations as FHIR resources): far more than a symptom check's 64 KiB.
        limit = MAX_CDS_BODY_BYTES if scope["path"].startswith(CDS_PATH) else self.max_bytes
        length = next((v for k, v in scope["headers"] if k == b"content-length"), b"0")
        if not length.isdigit() or int(length) > limit:
            detail = f"Request bodies are limited to {limit} bytes."
            await send_problem(scope, send, problems.CONTENT_TOO_LARGE, detail)
            return
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        # Read the body first (chunked bodies have no Content-Length to check), then replay it.
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client left (or its body timed out)
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                detail = f"Request bodies are limited to {limit} bytes."
                await send_problem(scope, send, problems.CONTENT_TOO_LARGE, detail)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class CostlyRoutes:
    def __init__(self, app: ASGIApp, *, templates: tuple[str, ...]) -> None:
        self.app = app
        self.patterns = [compile_path(template)[0] for template in templates]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not any(p.match(scope["path"]) for p in self.patterns):
            await self.app(scope, receive, send)
            return
        token = costly_call.set(True)
        try:
            await self.app(scope, receive, send)
        finally:
            costly_call.reset(token)

"""CORS: reads (and the symptom check) from any origin, on Starlette's middleware, with a
rejected preflight answered as a problem like every other error."""

from typing import Any

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp

from app import problems
from app.edge.problem_responses import PROBLEM_JSON, problem_body


class Cors(CORSMiddleware):
    def __init__(self, app: ASGIApp, **_: Any) -> None:
        super().__init__(
            app,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD", "OPTIONS", "POST"],
            allow_headers=["If-None-Match", "X-Request-ID", "Content-Type", "Accept-Encoding"],
            expose_headers=["ETag", "Link", "X-Request-ID", "Retry-After", "X-Data-Version"],
            max_age=600,
        )

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        detail = f"CORS preflight refused: {bytes(response.body).decode(errors='replace')}."
        body = problem_body(problems.BAD_REQUEST, detail, "*", None)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        headers["content-type"] = PROBLEM_JSON
        return Response(body, status_code=400, headers=headers)

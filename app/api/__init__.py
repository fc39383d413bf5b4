from fastapi import APIRouter

from app.api import comparison, drugs, effects, meta, search, sources

# One level of routers under /v1: FastAPI matches nested included routers level by level.
API_PREFIX = "/v1"
resource_routers: list[APIRouter] = [
    drugs.router,
    effects.router,
    sources.router,
    comparison.router,
    search.router,
    meta.router,
]
health_router = meta.health_router

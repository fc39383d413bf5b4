from fastapi import APIRouter

from app.api import comparison, drugs, effects, meta, search, sources

api_router = APIRouter(prefix="/v1")
api_router.include_router(drugs.router)
api_router.include_router(effects.router)
api_router.include_router(sources.router)
api_router.include_router(comparison.router)
api_router.include_router(search.router)
api_router.include_router(meta.router)

health_router = meta.health_router

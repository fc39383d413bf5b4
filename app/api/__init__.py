from fastapi import APIRouter

from app.api import clinical, comparison, drugs, effects, meta, search, sources, symptom_check
from app.url_paths import API_PREFIX

__all__ = ["API_PREFIX", "health_router", "resource_routers"]
resource_routers: list[APIRouter] = [
    drugs.router,
    effects.router,
    sources.router,
    comparison.router,
    search.router,
    symptom_check.router,
    clinical.router,
    meta.router,
]
health_router = meta.health_router

"""An effect as records and lists show it (EffectRef): the columns to read, and a row of them
as plain data (the composer's) or as the model (services building other shapes)."""

from typing import Any

from app.models import Effect
from app.schemas.common import EffectRef

EFFECT_COLUMNS = (
    Effect.slug,
    Effect.name,
    Effect.kind,
    Effect.body_system,
    Effect.body_system_approximate,
)


def effect_ref(row: Any) -> EffectRef:
    return EffectRef(
        slug=row.slug,
        name=row.name,
        kind=row.kind,
        body_system=row.body_system,
        body_system_approximate=row.body_system_approximate,
    )


def effect_data(row: Any) -> dict[str, Any]:
    return {
        "slug": row.slug,
        "name": row.name,
        "kind": row.kind,
        "body_system": row.body_system,
        "body_system_approximate": row.body_system_approximate,
    }

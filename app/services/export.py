"""The whole dataset as NDJSON, chunk by chunk (constant memory whatever the size).

Each chunk is its own short read: the ids after the last one, built by the same builders as
the API (drug detail, effect detail, the record builder). A caller pins the data version of
the first chunk and stops if a later chunk sees another (a load happened meanwhile).
"""

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Drug, DrugEffect, Effect, Source
from app.services.drugs import get_drug_detail
from app.services.effects import get_effect_detail
from app.services.meta import API_VERSION, data_version
from app.services.records import record_json

KINDS = ("drugs", "effects", "drug-effects")
CHUNK = {"drugs": 100, "effects": 200, "drug-effects": 500}
MODEL: dict[str, Any] = {"drugs": Drug, "effects": Effect, "drug-effects": DrugEffect}
LICENCE_NOTICE = (
    "Records cite their sources; each source's licence applies to what it backs. Records backed "
    "by SIDER 4.1 (source sider-4-1) are derived from SIDER, licensed CC BY-NC-SA 4.0 "
    "(http://sideeffects.embl.de): attribute SIDER, no commercial use, share alike. The curated "
    "records are written by the sidefx curators in their own words from the cited documents. "
    "Information, not medical advice."
)


@dataclass(frozen=True)
class Chunk:
    version: str
    lines: bytes  # NDJSON, one record per line
    last_id: int | None  # None: nothing after this chunk


def chunk(session: Session, kind: str, after: int) -> Chunk:
    model = MODEL[kind]
    ids = list(
        session.scalars(
            select(model.id).where(model.id > after).order_by(model.id).limit(CHUNK[kind])
        )
    )
    version = data_version(session)
    if kind == "drug-effects":
        lines = b"".join(body + b"\n" for body in record_json(session, ids))
        return Chunk(version, lines, ids[-1] if len(ids) == CHUNK[kind] else None)
    else:
        slugs: dict[int, str] = dict(
            session.execute(select(model.id, model.slug).where(model.id.in_(ids))).all()
        )
        detail = get_drug_detail if kind == "drugs" else get_effect_detail
        items = [detail(session, slugs[i]) for i in ids]
    lines = b"".join(orjson.dumps(item.model_dump(mode="json")) + b"\n" for item in items)
    return Chunk(version, lines, ids[-1] if len(ids) == CHUNK[kind] else None)


def manifest(session: Session) -> dict[str, Any]:
    counts = {
        kind: int(session.scalar(select(func.count()).select_from(MODEL[kind])) or 0)
        for kind in KINDS
    }
    sources = session.scalars(select(Source).order_by(Source.slug))
    return {
        "data_version": data_version(session),
        "api_version": API_VERSION,
        "files": [
            {"name": f"{kind}.ndjson", "records": counts[kind], "url": f"/v1/export/{kind}.ndjson"}
            for kind in KINDS
        ],
        "sources": [
            {
                "slug": s.slug,
                "title": s.title,
                "kind": s.kind.value,
                "licence": s.licence,
                "url": s.url,
            }
            for s in sources
        ],
        "licence_notice": LICENCE_NOTICE,
    }

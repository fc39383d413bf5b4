"""The whole dataset as NDJSON, chunk by chunk (constant memory whatever the size).

Each chunk is its own short read of the lines after a key, in id order, built by the API's own
builders a chunk at a time (drug and effect details in a dozen statements, the stored records
in one): one detail at a time took ~10 statements a line, 9 s for SIDER's drugs. The caller
pins the data version of the first chunk and stops if a later chunk sees another (a load
happened meanwhile). A line's key, which `after=` takes to resume, is its slug, or for a record
`drug/effect/context`; a complete export ends with a trailer line holding the count.
"""

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import Context
from app.models import Drug, DrugEffect, Effect, Source
from app.problems.exceptions import InvalidParameter
from app.readmodel import record_json
from app.services.drugs import drug_details
from app.services.effects import effect_details
from app.services.meta import API_VERSION, data_version

KINDS = ("drugs", "effects", "drug-effects")
CHUNK = {"drugs": 100, "effects": 200, "drug-effects": 500}
MODEL: dict[str, Any] = {"drugs": Drug, "effects": Effect, "drug-effects": DrugEffect}
KEYS = {"drugs": "slug", "effects": "slug", "drug-effects": "drug/effect/context"}
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
    count: int  # lines in it
    last_id: int | None  # None: nothing after this chunk


def first_chunk(session: Session, kind: str, after: str | None) -> Chunk:
    """The first chunk of an export, from the start or after the line keyed AFTER."""
    return chunk(session, kind, 0 if after is None else _id_of(session, kind, after))


def chunk(session: Session, kind: str, after: int) -> Chunk:
    """The lines after id AFTER (0: from the start)."""
    model = MODEL[kind]
    ids = list(
        session.scalars(
            select(model.id).where(model.id > after).order_by(model.id).limit(CHUNK[kind])
        )
    )
    version = data_version(session)
    if kind == "drug-effects":
        bodies = record_json(session, ids)
    else:
        details = drug_details if kind == "drugs" else effect_details
        bodies = [d.__pydantic_serializer__.to_json(d) for d in details(session, ids)]
    lines = b"".join(body + b"\n" for body in bodies)
    return Chunk(version, lines, len(ids), ids[-1] if len(ids) == CHUNK[kind] else None)


def trailer(count: int, version: str) -> bytes:
    """The last line of a complete export: a reader that does not see it has not got it all."""
    return orjson.dumps({"end": True, "count": count, "data_version": version}) + b"\n"


def error_line(message: str) -> bytes:
    return orjson.dumps({"error": message}) + b"\n"


def _id_of(session: Session, kind: str, key: str) -> int:
    found: int | None = None
    if kind == "drug-effects":
        drug, _, rest = key.partition("/")
        effect, _, context = rest.partition("/")
        if context in Context.__members__:  # else no record: binding it would be an error
            found = session.scalar(
                select(DrugEffect.id)
                .join(Drug, Drug.id == DrugEffect.drug_id)
                .join(Effect, Effect.id == DrugEffect.effect_id)
                .where(Drug.slug == drug, Effect.slug == effect, DrugEffect.context == context)
            )
    else:
        model = MODEL[kind]
        found = session.scalar(select(model.id).where(model.slug == key))
    if found is None:
        raise InvalidParameter(
            f"after={key[:200]!r} is not the key ({KEYS[kind]}) of a line of this export at "
            "this data version; start the export again.",
            loc=["query", "after"],
        )
    return int(found)


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
            {
                "name": f"{kind}.ndjson",
                "records": counts[kind],
                "url": f"/v1/export/{kind}.ndjson",
                "key": KEYS[kind],
            }
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

"""The one builder of drug-effect records (schemas.record.DrugEffectRecord), and their reads.

`compose_record_json` builds records from their rows (six statements whatever their number:
the records with their drug and effect, the citations of their parts, their items, the items'
citations, the sources' own rows, the sources behind each record) as plain data dumped with
orjson: validating 145k models cost a third of the build at every load; a test holds every
stored record to what the model would write (byte for byte). The read model
(importers/derived.py) stores its output in `drug_effect_record` at the end of every load,
so requests read records rather than assemble them: `record_json` answers the stored bytes
(list pages splice them), `build_records` the same as models (compare, the symptom check, FHIR).
Measured in `make bench`: composing a page of 20 took ~3 ms, reading it ~0.2 ms.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson
from pydantic import BaseModel
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.enums import ItemKind, TermMatch
from app.models import (
    DataRelease,
    Drug,
    DrugEffect,
    DrugEffectItem,
    DrugEffectSource,
    Effect,
    Evidence,
    Source,
    SourceAnchor,
    StoredRecord,
)
from app.problems.exceptions import ReadModelNotBuilt
from app.schemas.common import EffectRef
from app.schemas.record import DrugEffectRecord, MatchedVia
from app.services.citations import cites_of, get

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


# Bump when the read model writes something new (a different record, a new derived column):
# until a load rebuilds it, /readyz says not ready (data_release `read-model` holds the format
# the read model was built in). record-3: effect_rank. record-4: effect_rank unflagged first.
# record-5: label terms on measurements, the system_heading flag, the evidence-weighed order.
# record-6: matched_via always an object (`exact` as stored). record-7: name keys read British
# spellings as American ones (app.name_keys.SPELLINGS): stored keys need a load. record-8: effects
# say whether their body system is approximate (HPO).
RECORD_FORMAT = "record-8"
READ_MODEL = "read-model"  # the data_release row holding the stored records' format
# Stored records are `exact`; a question about another term changes only the kind (the
# record's effect is the term it is about either way).
_UNMARKED = b'"matched_via":{"kind":"exact",'


def is_current(session: Session) -> bool:
    """Whether the stored records have the format this code writes."""
    stored = session.scalar(select(DataRelease.checksum).where(DataRelease.name == READ_MODEL))
    return stored == RECORD_FORMAT


def record_json(
    session: Session, ids: Sequence[int], matched: Mapping[int, MatchedVia] | None = None
) -> list[bytes]:
    """The stored records IDS as JSON, in that order; `matched` marks those that answer for
    another term (the one part of a record that depends on the question)."""
    if not ids:
        return []
    stored: dict[int, bytes] = dict(session.connection().execute(_STORED, {"ids": list(ids)}).all())
    return stored_bodies([(i, stored.get(i)) for i in ids], matched)


def stored_bodies(
    rows: Iterable[Sequence[Any]], matched: Mapping[int, MatchedVia] | None = None
) -> list[bytes]:
    """The bodies of (record id, ..., stored body) rows, marked where `matched` says; a record
    without its stored body means the read model was not built (a 503, never a partial page)."""
    out = []
    for row in rows:
        record_id, body = row[0], row[-1]
        if body is None:
            raise ReadModelNotBuilt()
        mark = (matched or {}).get(record_id)
        out.append(marked(bytes(body), TermMatch.exact if mark is None else mark.kind))
    return out


def marked(body: bytes, kind: TermMatch) -> bytes:
    """A stored body answering for another term: its `matched_via` kind set to KIND."""
    if kind is TermMatch.exact:
        return body
    return body.replace(_UNMARKED, b'"matched_via":{"kind":"' + kind.encode() + b'",', 1)


def build_records(
    session: Session, ids: Sequence[int], matched: Mapping[int, MatchedVia] | None = None
) -> list[DrugEffectRecord]:
    """The records IDS as models, in that order (see record_json)."""
    return [DrugEffectRecord.model_validate_json(b) for b in record_json(session, ids, matched)]


def compose_record_json(session: Session, low: int, high: int) -> list[tuple[int, bytes]]:
    """The records with ids LOW to HIGH as (id, JSON), in id order, from their rows (the read
    model stores them). An id range, not a list: at 10x SIDER, rendering and parsing the IN
    lists of ids cost a third of the read model's build."""
    conn, wanted = session.connection(), {"low": low, "high": high}
    rows = {r.id: r for r in conn.execute(_RECORDS, wanted)}
    ids = sorted(rows)
    # Only curated records cite sources for their parts (the seed writes those citations; an
    # import's records cite the files through their evidence).
    part_cites = cites_of(session, "drug_effect_id", [i for i in ids if rows[i].curated])
    items = _items(session, wanted)
    item_cites = cites_of(
        session, "drug_effect_item_id", [i.id for rs in items.values() for i in rs]
    )
    measurements = _measurements(session, wanted)
    sources = _sources(session, wanted)
    out = []
    for record_id in ids:
        r = de = rows[record_id]
        record_items = items.get(record_id, [])

        def listed(kind: ItemKind, items: list[Any] = record_items) -> list[dict[str, Any]]:
            return [
                {"text": i.text, "cites": get(item_cites, i.id)}
                for i in items
                if i.item_kind is kind
            ]

        # Keys in DrugEffectRecord's field order: the bytes are what the model would write.
        record = {
            "drug": {"slug": r.drug_slug, "name": r.drug_name},
            "effect": effect_data(r),
            "context": de.context,
            "matched_via": {"kind": TermMatch.exact, "effect": effect_data(r)},
            "incidence": _incidence(de, r, part_cites, measurements.get(record_id, [])),
            "onset": _onset(de, get(part_cites, record_id, "onset")),
            "severity": _severity(de, get(part_cites, record_id, "severity")),
            "accompanying_symptoms": [
                {"effect": effect_data(i), "cites": get(item_cites, i.id)}
                for i in record_items
                if i.item_kind is ItemKind.accompanying
            ],
            "management": listed(ItemKind.management),
            "notes": listed(ItemKind.note),
            "flag": {"kind": de.flag, "reason": de.flag_reason} if de.flag else None,
            "sources": sources.get(record_id, []),
        }
        out.append((record_id, orjson.dumps(record, default=model_data)))
    return out


def model_data(value: Any) -> Any:
    """orjson's fallback: the citations (shared models from cites_of) as the model writes them."""
    if isinstance(value, BaseModel):
        return value.__pydantic_serializer__.to_python(value, mode="json")
    raise TypeError(type(value).__name__)


def effect_data(row: Any) -> dict[str, Any]:
    return {
        "slug": row.slug,
        "name": row.name,
        "kind": row.kind,
        "body_system": row.body_system,
        "body_system_approximate": row.body_system_approximate,
    }


def _incidence(de: Any, row: Any, cites: Any, measurements: list[dict[str, Any]]) -> dict[str, Any]:
    document = None
    if de.incidence_wording is not None:
        document = {"text": de.incidence_wording, "cites": get(cites, de.id, "incidence")}
    return {
        "band": de.summary_band,
        "frequency": de.frequency,
        "frequency_range": None
        if de.frequency_low is None
        else {"low": de.frequency_low, "high": de.frequency_high},
        "placebo_frequency": de.placebo_frequency,
        "placebo_range": None
        if de.placebo_low is None
        else {"low": de.placebo_low, "high": de.placebo_high},
        "excess_over_placebo": de.excess_over_placebo,
        "basis": de.basis,
        "basis_source": None
        if row.basis_slug is None
        else {"slug": row.basis_slug, "title": row.basis_title},
        "measured_rows": de.measured_rows,
        "document": document,
        "measurements": measurements,
    }


def _onset(de: Any, cites: list[Any]) -> dict[str, Any] | None:
    if de.onset_text is None:
        return None
    return {
        "text": de.onset_text,
        "relative_to": de.onset_relative_to,
        "min_days": de.onset_min_days,
        "max_days": de.onset_max_days,
        "peak_text": de.peak_text,
        "cites": cites,
    }


def _severity(de: Any, cites: list[Any]) -> dict[str, Any] | None:
    if de.severity is None and de.severity_note is None:
        return None
    return {"value": de.severity, "note": de.severity_note, "cites": cites}


def _items(session: Session, wanted: dict[str, int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for row in session.connection().execute(_ITEMS, wanted):
        out[row.drug_effect_id].append(row)
    return out


def _measurements(session: Session, wanted: dict[str, int]) -> dict[int, list[dict[str, Any]]]:
    rows = session.connection().execute(_MEASUREMENTS, wanted)
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    refs: dict[tuple[str, str | None], tuple[dict[str, str], dict[str, str] | None]] = {}
    for record_id, slug, title, key, kind, label, text, low, high, placebo, band, term in rows:
        # A page has a handful of distinct files: one reference object each, shared by rows.
        source, anchor = refs.setdefault(
            (slug, key),
            (
                {"slug": slug, "title": title},
                {"key": key, "kind": kind, "label": label} if key else None,
            ),
        )
        out[record_id].append(
            {
                "source": source,
                "anchor": anchor,
                "text": text,
                "low": low,
                "high": high,
                "placebo": placebo,
                "band": band,
                "label_term": term,
            }
        )
    return out


def _sources(session: Session, wanted: dict[str, int]) -> dict[int, list[dict[str, str]]]:
    out: dict[int, list[dict[str, str]]] = defaultdict(list)
    for record_id, slug, title in session.connection().execute(_SOURCES, wanted):
        out[record_id].append({"slug": slug, "title": title})
    return out


# The statements, built once (building them per call cost as much as running them); Core
# tables, not ORM entities: rows, not objects.
_IDS: Any = bindparam("ids", expanding=True)
_LOW: Any = bindparam("low")
_HIGH: Any = bindparam("high")
_de, _drug, _effect = DrugEffect.__table__, Drug.__table__, Effect.__table__
_item, _evidence, _source = DrugEffectItem.__table__, Evidence.__table__, Source.__table__
_anchor, _basis = SourceAnchor.__table__, Source.__table__.alias("basis")
_EFFECT = (
    _effect.c.slug,
    _effect.c.name,
    _effect.c.kind,
    _effect.c.body_system,
    _effect.c.body_system_approximate,
)
_stored: Any = StoredRecord.__table__
_STORED = select(_stored.c.drug_effect_id, _stored.c.body).where(_stored.c.drug_effect_id.in_(_IDS))
_RECORDS = (
    select(
        *_de.c,
        _drug.c.slug.label("drug_slug"),
        _drug.c.name.label("drug_name"),
        *_EFFECT,
        _basis.c.slug.label("basis_slug"),
        _basis.c.title.label("basis_title"),
    )
    .join(_drug, _drug.c.id == _de.c.drug_id)
    .join(_effect, _effect.c.id == _de.c.effect_id)
    .outerjoin(_basis, _basis.c.id == _de.c.basis_source_id)
    .where(_de.c.id.between(_LOW, _HIGH))
)
_ITEMS = (
    select(_item.c.id, _item.c.drug_effect_id, _item.c.kind.label("item_kind"), _item.c.text,
           *_EFFECT)
    .outerjoin(_effect, _effect.c.id == _item.c.effect_id)
    .where(_item.c.drug_effect_id.between(_LOW, _HIGH))
    .order_by(_item.c.drug_effect_id, _item.c.position)
)  # fmt: skip
_MEASUREMENTS = (
    select(
        _evidence.c.drug_effect_id, _source.c.slug, _source.c.title, _anchor.c.key,
        _anchor.c.kind, _anchor.c.label, _evidence.c.frequency_text, _evidence.c.frequency_lower,
        _evidence.c.frequency_upper, _evidence.c.placebo, _evidence.c.incidence_band,
        _evidence.c.label_term,
    )
    .join(_source, _source.c.id == _evidence.c.source_id)
    .outerjoin(_anchor, _anchor.c.id == _evidence.c.anchor_id)
    .where(_evidence.c.drug_effect_id.between(_LOW, _HIGH))
    .order_by(_evidence.c.drug_effect_id, _evidence.c.id)
)  # fmt: skip
_record_source = DrugEffectSource.__table__
_SOURCES = (
    select(_record_source.c.drug_effect_id, _source.c.slug, _source.c.title)
    .join(_source, _source.c.id == _record_source.c.source_id)
    .where(_record_source.c.drug_effect_id.between(_LOW, _HIGH))
    .order_by(_record_source.c.drug_effect_id, _source.c.slug)
)

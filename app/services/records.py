"""The one builder of drug-effect records (schemas.record.DrugEffectRecord).

Every endpoint that serves records calls `build_records` with the ids it selected, in its
order. Six statements whatever the number of records: the records with their drug and effect,
the citations of their parts, their items, the items' citations, the sources' own rows, and
the sources behind each record.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.enums import ItemKind
from app.models import (
    Drug,
    DrugEffect,
    DrugEffectItem,
    DrugEffectSource,
    Effect,
    Evidence,
    Source,
    SourceAnchor,
)
from app.schemas.common import EffectRef, SourceRef
from app.schemas.record import DrugEffectRecord, MatchedVia
from app.services.citations import cites_of, get

EFFECT_COLUMNS = (Effect.slug, Effect.name, Effect.kind, Effect.body_system)
_BASIS = aliased(Source)


def effect_ref(row: Any) -> EffectRef:
    return EffectRef(slug=row.slug, name=row.name, kind=row.kind, body_system=row.body_system)


def build_records(
    session: Session, ids: Sequence[int], matched: Mapping[int, MatchedVia] | None = None
) -> list[DrugEffectRecord]:
    """The records IDS, in that order; `matched` marks those that answer for another term."""
    if not ids:
        return []
    rows = {
        r.DrugEffect.id: r
        for r in session.execute(
            select(
                DrugEffect,
                Drug.slug.label("drug_slug"),
                Drug.name.label("drug_name"),
                *EFFECT_COLUMNS,
                _BASIS.slug.label("basis_slug"),
                _BASIS.title.label("basis_title"),
            )
            .join(Drug, Drug.id == DrugEffect.drug_id)
            .join(Effect, Effect.id == DrugEffect.effect_id)
            .outerjoin(_BASIS, _BASIS.id == DrugEffect.basis_source_id)
            .where(DrugEffect.id.in_(ids))
        )
    }
    part_cites = cites_of(session, "drug_effect_id", ids)
    items = _items(session, ids)
    item_cites = cites_of(
        session, "drug_effect_item_id", [i.id for rs in items.values() for i in rs]
    )
    measurements = _measurements(session, ids)
    sources = _sources(session, ids)
    out = []
    for record_id in ids:
        r = rows[record_id]
        de: DrugEffect = r.DrugEffect
        record_items = items.get(record_id, [])

        def listed(kind: ItemKind, items: list[Any] = record_items) -> list[dict[str, Any]]:
            return [
                {"text": i.text, "cites": get(item_cites, i.id)}
                for i in items
                if i.item_kind is kind
            ]

        out.append(
            DrugEffectRecord(
                drug={"slug": r.drug_slug, "name": r.drug_name},
                effect=effect_ref(r),
                context=de.context,
                matched_via=(matched or {}).get(record_id),
                incidence=_incidence(de, r, part_cites, measurements.get(record_id, [])),
                onset=_onset(de, get(part_cites, record_id, "onset")),
                severity=_severity(de, get(part_cites, record_id, "severity")),
                accompanying_symptoms=[
                    {"effect": effect_ref(i), "cites": get(item_cites, i.id)}
                    for i in record_items
                    if i.item_kind is ItemKind.accompanying
                ],
                management=listed(ItemKind.management),
                notes=listed(ItemKind.note),
                flag={"kind": de.flag, "reason": de.flag_reason} if de.flag else None,
                sources=sources.get(record_id, []),
            )
        )
    return out


def _incidence(
    de: DrugEffect, row: Any, cites: Any, measurements: list[dict[str, Any]]
) -> dict[str, Any]:
    excess = None
    if de.frequency is not None and de.placebo_frequency is not None:
        excess = round(de.frequency - de.placebo_frequency, 6)
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
        "excess_over_placebo": excess,
        "basis": de.basis,
        "basis_source": None
        if row.basis_slug is None
        else {"slug": row.basis_slug, "title": row.basis_title},
        "measured_rows": de.measured_rows,
        "document": document,
        "measurements": measurements,
    }


def _onset(de: DrugEffect, cites: list[Any]) -> dict[str, Any] | None:
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


def _severity(de: DrugEffect, cites: list[Any]) -> dict[str, Any] | None:
    if de.severity is None and de.severity_note is None:
        return None
    return {"value": de.severity, "note": de.severity_note, "cites": cites}


def _items(session: Session, ids: Sequence[int]) -> dict[int, list[Any]]:
    rows = session.execute(
        select(
            DrugEffectItem.id,
            DrugEffectItem.drug_effect_id,
            DrugEffectItem.kind.label("item_kind"),
            DrugEffectItem.text,
            *EFFECT_COLUMNS,
        )
        .outerjoin(Effect, Effect.id == DrugEffectItem.effect_id)
        .where(DrugEffectItem.drug_effect_id.in_(ids))
        .order_by(DrugEffectItem.drug_effect_id, DrugEffectItem.position)
    )
    out: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        out[row.drug_effect_id].append(row)
    return out


def _measurements(session: Session, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    rows = session.execute(
        select(
            Evidence.drug_effect_id,
            Source.slug,
            Source.title,
            SourceAnchor.key,
            SourceAnchor.kind,
            SourceAnchor.label,
            Evidence.frequency_text,
            Evidence.frequency_lower,
            Evidence.frequency_upper,
            Evidence.placebo,
            Evidence.incidence_band,
        )
        .join(Source, Source.id == Evidence.source_id)
        .outerjoin(SourceAnchor, SourceAnchor.id == Evidence.anchor_id)
        .where(Evidence.drug_effect_id.in_(ids))
        .order_by(Evidence.drug_effect_id, Evidence.id)
    )
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    refs: dict[tuple[str, str | None], tuple[dict[str, str], dict[str, str] | None]] = {}
    for record_id, slug, title, key, kind, label, text, low, high, placebo, band in rows:
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
            }
        )
    return out


def _sources(session: Session, ids: Sequence[int]) -> dict[int, list[SourceRef]]:
    rows = session.execute(
        select(DrugEffectSource.drug_effect_id, Source.slug, Source.title)
        .join(Source, Source.id == DrugEffectSource.source_id)
        .where(DrugEffectSource.drug_effect_id.in_(ids))
        .order_by(DrugEffectSource.drug_effect_id, Source.slug)
    )
    out: dict[int, list[SourceRef]] = defaultdict(list)
    for record_id, slug, title in rows:
        out[record_id].append(SourceRef(slug=slug, title=title))
    return out

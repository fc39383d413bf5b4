"""A drug's effects (list, contexts view) and one drug x effect across every context."""

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, exists, func, select
from sqlalchemy.orm import Session

from app.enums import INCIDENCE_RANK, BodySystem, Context, IncidenceBand
from app.models import DrugEffect, DrugEffectSource, Effect, Source, StoredRecord
from app.problems.exceptions import InvalidParameter, NoRecord
from app.readmodel import (
    EFFECT_COLUMNS,
    RecordPage,
    build_records,
    effect_ref,
    page_of,
    stored_bodies,
)
from app.schemas.common import DrugRef
from app.schemas.effect import ContextRow, DrugContexts
from app.schemas.record import DrugEffectDetail, DrugEffectRecord
from app.services.names.resolve import resolve_drug, resolve_effect
from app.services.terms import best_per_drug_and_context, term_matches

CONTEXT_ORDER = list(Context)
_de: Any = DrugEffect.__table__
_stored: Any = StoredRecord.__table__


@dataclass(frozen=True, slots=True)
class RecordFilters:
    """The filters every list of records takes (a drug's effects, the reverse lookup)."""

    context: Context | None = None
    body_system: BodySystem | None = None
    min_incidence: IncidenceBand | None = None
    source: str | None = None
    include_flagged: bool = False

    @property
    def shape(self) -> tuple[bool, ...]:
        """Which filters are set: statements are built once per shape, values bound per call."""
        return (
            self.include_flagged,
            self.context is not None,
            self.body_system is not None,
            self.min_incidence is not None,
            self.source is not None,
        )

    def params(self, session: Session) -> dict[str, Any]:
        """The values of the set filters (an unknown source is a 422 here)."""
        values: dict[str, Any] = {}
        if self.context:
            values["context"] = self.context
        if self.body_system:
            values["body_system"] = self.body_system
        if self.min_incidence:
            values["min_rank"] = INCIDENCE_RANK[self.min_incidence]
        if self.source:
            values["source_id"] = source_id_for(session, self.source)
        return values

    def where(self, session: Session) -> list[ColumnElement[bool]]:
        """The conditions on DrugEffect rows, their values bound."""
        return _conditions(self.shape, self.params(session))


def _conditions(
    shape: tuple[bool, ...], values: dict[str, Any] | None = None
) -> list[ColumnElement[bool]]:
    """The conditions of a filter shape: their values bound, or (None) left as parameters."""

    def param(name: str) -> Any:
        return bindparam(name) if values is None else bindparam(name, values[name], unique=True)

    include_flagged, context, body_system, min_incidence, source = shape
    out: list[ColumnElement[bool]] = []
    if not include_flagged:
        out.append(_de.c.flag.is_(None))
    if context:
        out.append(_de.c.context == param("context"))
    if body_system:
        systems = select(Effect.id).where(Effect.body_system == param("body_system"))
        out.append(_de.c.effect_id.in_(systems))
    if min_incidence:
        out.append(_de.c.summary_rank >= param("min_rank"))
    if source:
        out.append(
            exists().where(
                DrugEffectSource.drug_effect_id == _de.c.id,
                DrugEffectSource.source_id == param("source_id"),
            )
        )
    return out


# A list in a precomputed order: (the column it is of, the column holding each row's position).
_RANKED_LISTS = {
    "drug": (_de.c.drug_id, _de.c.list_rank),
    "effect": (_de.c.effect_id, _de.c.effect_rank),
}


@lru_cache(maxsize=64)
def _ranked_page(of: str, shape: tuple[bool, ...]) -> tuple[Select[Any], Select[Any]]:
    """A page of a drug's (or an effect's) records in their list order with their stored
    bodies and the list's total, and the total alone (for a page past the end): built once
    per filter shape (building and keying statements per request cost ~1 ms of an uncached
    page, measured in-process). The total is an uncorrelated subquery (run once), not a window
    over the page's query: that read every row of the list (an effect of 1,000 drugs: 4.8 ->
    0.15 ms on SQLite). Unfiltered, it is the list's last unflagged position (positions
    number the unflagged records 1..n first): one index entry, where a count reads every
    record of the list (PostgreSQL, real SIDER, nausea's 1,120 records: 0.34 -> 0.08 ms; the
    index is models.drug_effect's effect rank index)."""
    owner, position = _RANKED_LISTS[of]
    where = (owner == bindparam("owner"), *_conditions(shape))
    page = (
        select(_de.c.id, position.label("position"))
        .where(*where)
        .order_by(position, _de.c.id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery()
    )
    if any(shape):
        total = select(func.count()).select_from(_de).where(*where)
    else:
        total = select(func.coalesce(func.max(position), 0)).where(*where)
    # The total rides along as an uncorrelated subquery (run once): one statement a page.
    bodies = (
        select(page.c.id, total.scalar_subquery().label("total"), _stored.c.body)
        .select_from(page.outerjoin(_stored, _stored.c.drug_effect_id == page.c.id))
        .order_by(page.c.position, page.c.id)
    )
    return bodies, total


def ranked_page(
    session: Session, of: str, owner: int, filters: RecordFilters, *, limit: int, offset: int
) -> RecordPage:
    """A page of the records of drug (of="drug") or effect OWNER in their precomputed order."""
    bodies, total = _ranked_page(of, filters.shape)
    values = filters.params(session) | {"owner": owner, "limit": limit, "offset": offset}
    conn = session.connection()
    rows = conn.execute(bodies, values).all()
    # Past the end, the total alone; an empty list's first page is 0.
    counted = rows[0].total if rows else conn.execute(total, values).scalar_one() if offset else 0
    return RecordPage(stored_bodies(rows), counted, limit, offset)


def source_id_for(session: Session, slug: str) -> int:
    source_id = session.scalar(select(Source.id).where(Source.slug == slug.strip().lower()))
    if source_id is None:  # a filter naming nothing: 422, as drug_class= (404: paths only)
        raise InvalidParameter(
            f"query.source: no source named '{slug[:80]}'; see /v1/sources for the slugs.",
            loc=["query", "source"],
        )
    return source_id


def list_drug_effects(
    session: Session, drug: str, filters: RecordFilters, *, limit: int, offset: int
) -> RecordPage:
    """Most frequent first: the precomputed list order (unflagged first, then the summary)."""
    ref = resolve_drug(session, drug)
    return ranked_page(session, "drug", ref.id, filters, limit=limit, offset=offset)


def get_drug_effect_detail(session: Session, drug: str, effect: str) -> DrugEffectDetail:
    """Every context of the drug x effect; a context with no record of the effect itself is
    answered by a narrower, else a broader term's record, marked `matched_via`."""
    drug_ref, effect_ref_ = resolve_drug(session, drug), resolve_effect(session, effect)
    matches = term_matches(session, effect_ref_.id)
    picked = best_per_drug_and_context(matches, DrugEffect.drug_id == drug_ref.id)
    ids = [row.id for row in session.execute(picked)]
    if not ids:
        raise NoRecord(
            f"No source links {drug_ref.slug} to {effect_ref_.slug}, directly or through a "
            f"broader or narrower term; see /v1/drugs/{drug_ref.slug}/effects."
        )
    records = build_records(session, ids, matches.marks(session, ids))
    records.sort(key=_context_order)
    head = session.execute(select(*EFFECT_COLUMNS).where(Effect.id == effect_ref_.id)).one()
    return DrugEffectDetail(
        drug=DrugRef(slug=drug_ref.slug, name=drug_ref.name),
        effect=effect_ref(head),
        contexts=records,
    )


def drug_contexts(
    session: Session,
    drug: str,
    *,
    body_system: BodySystem | None,
    multi_context_only: bool,
    include_flagged: bool,
    limit: int,
    offset: int,
) -> DrugContexts:
    """Each effect of the drug with its records side by side: effects known in more contexts
    first, then the most frequent, then by name."""
    ref = resolve_drug(session, drug)
    filters = RecordFilters(body_system=body_system, include_flagged=include_flagged)
    records = select(DrugEffect.id).where(DrugEffect.drug_id == ref.id, *filters.where(session))
    contexts = func.count(DrugEffect.id)
    stmt = (
        select(DrugEffect.effect_id)
        .where(DrugEffect.id.in_(records))
        .group_by(DrugEffect.effect_id)
    )
    if multi_context_only:
        stmt = stmt.having(contexts > 1)
    ordered = (
        stmt.join(Effect, Effect.id == DrugEffect.effect_id)
        .group_by(Effect.name)
        .order_by(
            contexts.desc(),
            func.max(DrugEffect.summary_rank).desc(),
            Effect.name,
            DrugEffect.effect_id,
        )
    )

    def rows(effect_ids: list[int]) -> list[ContextRow]:
        pairs = session.execute(
            select(DrugEffect.id, DrugEffect.effect_id).where(
                DrugEffect.id.in_(records), DrugEffect.effect_id.in_(effect_ids)
            )
        ).all()
        ids = [p.id for p in pairs]
        built = dict(zip(ids, build_records(session, ids), strict=True))
        by_effect: dict[int, list[DrugEffectRecord]] = defaultdict(list)
        for record_id, effect_id in pairs:
            by_effect[effect_id].append(built[record_id])
        return [
            ContextRow(effect=group[0].effect, contexts=sorted(group, key=_context_order))
            for effect_id in effect_ids
            if (group := by_effect.get(effect_id))
        ]

    page = page_of(session, stmt, ordered, limit, offset, rows)
    return DrugContexts(
        drug=DrugRef(slug=ref.slug, name=ref.name),
        items=page.items,
        total=page.total,
        limit=limit,
        offset=offset,
    )


def _context_order(record: DrugEffectRecord) -> int:
    return CONTEXT_ORDER.index(record.context)

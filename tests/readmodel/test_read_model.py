"""The stored records (drug_effect_record): what the builder composes, rebuilt when their
format is old, and a clear 503 (never a 500 or a stale answer) while they are missing."""

import json

import httpx
import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.enums import Context, IncidenceBand
from app.importers.seed.files import read_seed
from app.importers.seed.load import load_seed
from app.importers.sider import write as sider_write
from app.importers.sider.load import import_sider
from app.models import Citation, DataRelease, Drug, DrugEffect, Effect, Evidence, StoredRecord
from app.readmodel import (
    READ_MODEL,
    build_records,
    record_page,
    record_sources,
    stored,
    stored_format,
)
from app.readmodel import update as record_updates
from app.readmodel.compose import compose_record_json
from app.schemas.common import Page
from app.schemas.record import DrugEffectRecord
from app.services.drug_effects import RecordFilters, ranked_page
from app.services.terms import best_per_drug_and_context, term_matches
from tests.conftest import SEED_DIR, SIDER_FIXTURES

pytestmark = pytest.mark.anyio


def test_every_stored_record_is_what_the_builder_composes(session: Session) -> None:
    import_sider(session, SIDER_FIXTURES)
    ids = list(session.scalars(select(DrugEffect.id).order_by(DrugEffect.id)))
    assert len(ids) > 40
    composed = compose_record_json(session, ids[0], ids[-1])
    assert [i for i, _ in composed] == ids
    # The builder reads the citations of parts for curated records only: no other record has any.
    cited = select(Citation.drug_effect_id).where(Citation.drug_effect_id.isnot(None))
    assert (
        session.scalar(select(func.count()).where(DrugEffect.id.in_(cited), ~DrugEffect.curated))
        == 0
    )
    assert session.execute(select(func.count()).select_from(cited.subquery())).scalar_one() > 0
    built = [r.model_dump_json().encode() for r in build_records(session, ids)]
    assert built == [body for _, body in composed]
    assert session.get_one(DataRelease, READ_MODEL).checksum == stored_format()


async def test_a_list_page_is_a_valid_page_of_records(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs/clonazepam/effects?limit=5&offset=1")
    page = Page[DrugEffectRecord].model_validate_json(response.content)
    assert (len(page.items), page.limit, page.offset) == (5, 5, 1)
    assert page.total > 6
    reverse = await client.get("/v1/effects/leg-cramps/drugs")
    marked = Page[DrugEffectRecord].model_validate_json(reverse.content)
    assert any(r.matched_via.kind != "exact" for r in marked.items)  # marks spliced in


async def test_records_in_an_old_format_are_rebuilt_by_the_next_seed(
    session: Session, client: httpx.AsyncClient
) -> None:
    session.get_one(DataRelease, READ_MODEL).checksum = "record-0"
    session.flush()
    not_ready = await client.get("/readyz")
    assert not_ready.status_code == 503
    report = load_seed(session, read_seed(SEED_DIR))  # the same files: only the format is old
    assert report.changed
    assert (await client.get("/readyz")).status_code == 200


async def test_missing_stored_records_are_a_503_problem(
    session: Session, client: httpx.AsyncClient
) -> None:
    session.execute(delete(StoredRecord))
    response = await client.get("/v1/drugs/clonazepam/effects")
    assert response.status_code == 503
    body = response.json()
    assert body["type"] == "/v1/problems/service-unavailable"
    assert "sidefx seed" in body["detail"]


def effect_list_both_ways(
    session: Session, effect_id: int, filters: RecordFilters
) -> tuple[list[bytes], list[bytes]]:
    """An effect's whole list of drugs read through its precomputed `effect_rank` and ranked
    at request time (the path for effects with broader or narrower terms); both pages' totals
    are the number of records listed."""
    picked = best_per_drug_and_context(
        term_matches(session, effect_id).only_exact(), *filters.where(session)
    )
    at_request = record_page(session, picked, picked, 10_000, 0)
    stored = ranked_page(session, "effect", effect_id, filters, limit=10_000, offset=0)
    assert stored.total == at_request.total == len(stored.items), (effect_id, filters)
    flagged = [json.loads(body)["flag"] is not None for body in stored.items]
    assert flagged == sorted(flagged), "flagged records come last"
    return stored.items, at_request.items


def assert_list_totals_are_counts(session: Session) -> None:
    """A list's unfiltered total is read from its last position (ranked_page): every drug's
    and every effect's total is the number of its unflagged records, on pages 1 and 2."""
    for of, owner in (("drug", DrugEffect.drug_id), ("effect", DrugEffect.effect_id)):
        counts = session.execute(
            select(owner, func.count()).where(DrugEffect.flag.is_(None)).group_by(owner)
        ).all()
        assert len(counts) > 5
        for key, n in counts:
            for offset in (0, 20):
                page = ranked_page(session, of, key, RecordFilters(), limit=20, offset=offset)
                assert page.total == n, (of, key, offset)


LIST_FILTERS = [
    RecordFilters(),
    RecordFilters(include_flagged=True),
    RecordFilters(context=Context.side_effect, min_incidence=IncidenceBand.common),
]


def test_the_precomputed_effect_order_is_the_reverse_lookups_order(session: Session) -> None:
    import_sider(session, SIDER_FIXTURES)
    effects = list(session.scalars(select(DrugEffect.effect_id).distinct()))
    assert len(effects) > 20
    compared = 0
    for effect_id in effects:
        for filters in LIST_FILTERS:
            stored, at_request = effect_list_both_ways(session, effect_id, filters)
            assert stored == at_request, (effect_id, filters)
            compared += len(stored)
    assert compared > 50
    assert_list_totals_are_counts(session)


def _loaded(session: Session) -> dict[tuple[str, str, str], tuple[object, ...]]:
    """Every record as the API can see it, keyed by drug, effect and context (ids may differ)."""
    rows = session.execute(
        select(Drug.slug, Effect.slug, DrugEffect, StoredRecord.body)
        .join(Drug, Drug.id == DrugEffect.drug_id)
        .join(Effect, Effect.id == DrugEffect.effect_id)
        .outerjoin(StoredRecord, StoredRecord.drug_effect_id == DrugEffect.id)
    )
    out: dict[tuple[str, str, str], tuple[object, ...]] = {}
    for drug, effect, de, body in rows:
        evidence = session.execute(
            select(Evidence.frequency_text, Evidence.frequency_lower, Evidence.placebo)
            .where(Evidence.drug_effect_id == de.id)
            .order_by(Evidence.id)
        ).all()
        ranks = (de.list_rank, de.effect_rank, de.summary_band, de.frequency, de.flag)
        out[drug, effect, de.context.value] = (*ranks, tuple(evidence), body)
    return out


def test_a_load_in_small_ranges_writes_what_whole_statements_write(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loads write a range of drugs or records per statement (so none grows with the release):
    ranges of a few rows give the same records, evidence order, ranks and stored bodies."""
    with session.begin_nested() as whole:
        import_sider(session, SIDER_FIXTURES)
        expected = _loaded(session)
        whole.rollback()
    monkeypatch.setattr(sider_write, "DRUGS_PER_STATEMENT", 2)
    monkeypatch.setattr(record_updates, "RANGE", 7)
    monkeypatch.setattr(record_sources, "RANGE", 7)
    monkeypatch.setattr(stored, "BATCH", 5)
    with session.begin_nested():
        import_sider(session, SIDER_FIXTURES)
        ranged = _loaded(session)
    assert len(expected) > 40
    assert ranged == expected

"""A drug's effect list, precomputed: its order (`drug_effect.list_rank`) and its first page
(`drug_effect_page`).

Listing a drug's effects is most of the read traffic; with the order precomputed a page is an
index range instead of a sort, and the first page is one lookup. Every loader calls
`refresh_drug_effect_lists` in its transaction after writing, so neither goes stale.
"""

from sqlalchemy import delete, distinct, func, insert, select, update
from sqlalchemy.orm import Session

from app.models import DrugEffect, DrugEffectPage, Effect, Source
from app.services.drug_effects import PAGE_FORMAT, first_page
from app.services.records import source_slug_reader

# Most frequent first: band, then the number when there is one, then the name; ties by context.
LIST_ORDER = (
    DrugEffect.incidence_rank.desc(),
    DrugEffect.frequency.is_(None),
    DrugEffect.frequency.desc(),
    Effect.name,
    DrugEffect.context,
    DrugEffect.id,
)


def rank_drug_effects(session: Session) -> int:
    """Renumber every drug's effect list from 1; returns how many records moved."""
    ranked = (
        select(
            DrugEffect.id,
            func.row_number()
            .over(partition_by=DrugEffect.drug_id, order_by=LIST_ORDER)
            .label("rank"),
        )
        .join(Effect, Effect.id == DrugEffect.effect_id)
        .subquery()
    )
    result = session.execute(
        update(DrugEffect)
        .where(DrugEffect.id == ranked.c.id, DrugEffect.list_rank != ranked.c.rank)
        .values(list_rank=ranked.c.rank),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount  # type: ignore[attr-defined,no-any-return]


def store_first_pages(session: Session) -> int:
    """Rewrite every drug's first page from the current rows; returns how many were written."""
    # Slugs read in this transaction: the process-wide catalog may predate what was just written.
    read = source_slug_reader(session, dict(session.execute(select(Source.id, Source.slug)).all()))

    session.execute(delete(DrugEffectPage))
    rows = []
    for drug_id in session.scalars(select(DrugEffect.drug_id).distinct()):
        page = first_page(session, drug_id, read)
        rows.append({"drug_id": drug_id, "format": PAGE_FORMAT, "total": page.total,
                     "items": page.items_json.decode()})  # fmt: skip
    if rows:
        session.execute(insert(DrugEffectPage), rows)
    return len(rows)


def first_pages_current(session: Session) -> bool:
    """Every drug with records has a first page written by this code."""
    pages = session.scalar(select(func.count()).where(DrugEffectPage.format == PAGE_FORMAT))
    drugs = session.scalar(select(func.count(distinct(DrugEffect.drug_id))))
    return pages == drugs


def refresh_drug_effect_lists(session: Session) -> None:
    rank_drug_effects(session)
    store_first_pages(session)

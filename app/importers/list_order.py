"""The order of a drug's effect list, stored as `drug_effect.list_rank`.

Listing a drug's effects is most of the read traffic; with the order precomputed, a page is an
index range instead of a sort of all the drug's records. Every loader calls `rank_drug_effects`
in its transaction after writing, so the ranks never go stale.
"""

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.models import DrugEffect, Effect

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

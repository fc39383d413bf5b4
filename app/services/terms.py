"""Broader and narrower terms: answering for an effect through the terms around it.

An effect's answers are its own records; where a drug has none in a context, a record of a
narrower term (rebound muscle tension for muscle tension), else of the broader term it sits
under (muscle spasms for leg cramps) answers instead, marked with how it matched.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from app.enums import TermMatch
from app.models import Drug, DrugEffect, Effect
from app.readmodel import EFFECT_COLUMNS, effect_list_order, effect_ref
from app.schemas.record import MatchedVia

PRIORITY = {TermMatch.exact: 0, TermMatch.narrower_term: 1, TermMatch.broader_term: 2}


@dataclass(frozen=True)
class TermMatches:
    effect_id: int
    by_effect: dict[int, TermMatch]  # effect id -> how it relates to the one asked for

    def only_exact(self) -> "TermMatches":
        return TermMatches(self.effect_id, {self.effect_id: TermMatch.exact})

    def priority(self) -> ColumnElement[int]:
        return case({e: PRIORITY[m] for e, m in self.by_effect.items()}, value=DrugEffect.effect_id)

    def marks(self, session: Session, record_ids: Sequence[int]) -> dict[int, MatchedVia]:
        """`matched_via` for the records among RECORD_IDS that are not of the effect itself."""
        rows = session.execute(
            select(DrugEffect.id, DrugEffect.effect_id, *EFFECT_COLUMNS)
            .join(Effect, Effect.id == DrugEffect.effect_id)
            .where(DrugEffect.id.in_(record_ids), DrugEffect.effect_id != self.effect_id)
        )
        return {
            r.id: MatchedVia(kind=self.by_effect[r.effect_id], effect=effect_ref(r)) for r in rows
        }


def term_matches(session: Session, effect_id: int) -> TermMatches:
    return terms_for(session, [effect_id])[effect_id]


def terms_for(session: Session, effect_ids: Sequence[int]) -> dict[int, TermMatches]:
    """The terms around each of EFFECT_IDS (one broader, any narrower), in one statement."""
    wanted = list(effect_ids)
    by_effect: dict[int, dict[int, TermMatch]] = {e: {} for e in wanted}
    for effect_id, broader in session.connection().execute(_TERMS, {"ids": wanted}):
        if broader in by_effect:  # a narrower term of a wanted effect
            by_effect[broader][effect_id] = TermMatch.narrower_term
        if effect_id in by_effect and broader is not None:
            by_effect[effect_id][broader] = TermMatch.broader_term
    for effect_id in wanted:
        by_effect[effect_id][effect_id] = TermMatch.exact
    return {e: TermMatches(e, matches) for e, matches in by_effect.items()}


# Built once (Core, not ORM): building and executing ORM statements per call cost more than
# running them.
_terms: Any = Effect.__table__
_IDS: Any = bindparam("ids", expanding=True)
_TERMS = select(_terms.c.id, _terms.c.broader_id).where(
    or_(_terms.c.id.in_(_IDS), _terms.c.broader_id.in_(_IDS))
)


def best_per_drug_and_context(
    matches: TermMatches, *conditions: ColumnElement[bool]
) -> Select[tuple[int]]:
    """Among the records meeting CONDITIONS, for each drug and context the record of the
    closest term: the effect itself, else a narrower term, else the broader one. Ordered by
    that closeness (the term asked about first: a broader term's numbers never push it down),
    then most frequent first, then by drug name."""
    pick = (
        func.row_number()
        .over(
            partition_by=(DrugEffect.drug_id, DrugEffect.context),
            order_by=(matches.priority(), DrugEffect.summary_rank.desc(), DrugEffect.id),
        )
        .label("pick")
    )
    ranked = (
        select(
            DrugEffect.id,
            DrugEffect.flag,
            DrugEffect.summary_rank,
            DrugEffect.frequency,
            DrugEffect.excess_over_placebo,
            DrugEffect.context,
            Drug.name.label("drug_name"),
            matches.priority().label("closeness"),
            pick,
        )
        .join(Drug, Drug.id == DrugEffect.drug_id)
        .where(DrugEffect.effect_id.in_(list(matches.by_effect)), *conditions)
        .subquery()
    )
    return (
        select(ranked.c.id)
        .where(ranked.c.pick == 1)
        .order_by(
            ranked.c.closeness,
            *effect_list_order(
                ranked.c.flag,
                ranked.c.summary_rank,
                ranked.c.frequency,
                ranked.c.excess_over_placebo,
                ranked.c.drug_name,
                ranked.c.context,
                ranked.c.id,
            ),
        )
    )

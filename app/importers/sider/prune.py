"""Remove drugs and effects SIDER created once a newer release leaves them with no record.

Only rows SIDER owns (release `sider`: never curated, never adopted by the seed) that nothing
refers to any more are removed.
"""

from typing import Any

from sqlalchemy import ColumnElement, delete, exists
from sqlalchemy.orm import Session

from app.enums import Release
from app.models import (
    Alias,
    Citation,
    Drug,
    DrugClassMember,
    DrugEffect,
    DrugEffectItem,
    DrugUse,
    DrugWarning,
    Effect,
    EffectFact,
)

DRUG_REFERENCES = (
    DrugEffect.drug_id,
    DrugUse.drug_id,
    DrugWarning.drug_id,
    DrugClassMember.drug_id,
    Alias.drug_id,
    Citation.drug_id,
)
EFFECT_REFERENCES = (
    DrugEffect.effect_id,
    DrugEffectItem.effect_id,
    EffectFact.effect_id,
    Alias.effect_id,
    Citation.effect_id,
    Effect.broader_id,
)


def prune_orphans(session: Session) -> None:
    options = {"synchronize_session": False}
    session.execute(
        delete(Drug).where(Drug.release == Release.sider, *_unreferenced(Drug.id, DRUG_REFERENCES)),
        execution_options=options,
    )
    narrower = Effect.__table__.alias("narrower")
    session.execute(
        delete(Effect).where(
            Effect.release == Release.sider,
            *_unreferenced(Effect.id, EFFECT_REFERENCES[:-1]),
            ~exists().where(narrower.c.broader_id == Effect.id),
        ),
        execution_options=options,
    )


def _unreferenced(key: Any, references: tuple[Any, ...]) -> list[ColumnElement[bool]]:
    return [~exists().where(column == key) for column in references]

"""The symptom check's reads: prebuilt Core statements, one per kind of fact whatever the
number of medications (the candidate records of every drug at once, their stored bodies, the
condition's facts for every aspect, every warning of every listed drug, the citations of
each kind once). Building the ORM statements per request cost more than running them."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.enums import Context, ProfileAspect, TermMatch, WarningKind
from app.models import (
    Alias,
    DrugClass,
    DrugClassMember,
    DrugEffect,
    DrugWarning,
    Effect,
    EffectFact,
)
from app.name_keys import name_key
from app.readmodel import Cites, cites_of

Candidate = tuple[int, int, int, bool]  # record id, effect id, summary rank, flagged

_de: Any = DrugEffect.__table__
_effect: Any = Effect.__table__
_fact: Any = EffectFact.__table__
_warning: Any = DrugWarning.__table__
_member: Any = DrugClassMember.__table__
_class: Any = DrugClass.__table__
_EFFECT = (
    _effect.c.slug,
    _effect.c.name,
    _effect.c.kind,
    _effect.c.body_system,
    _effect.c.body_system_approximate,
)
_DRUGS: Any = bindparam("drugs", expanding=True)

_alias: Any = Alias.__table__
# The symptom, its broader term, and the alias its asked words are (if any): what the answer
# says about the symptom itself, in one statement.
_SYMPTOM = (
    select(*_EFFECT, _effect.c.broader_id, _effect.c.meddra_key, _alias.c.kind.label("alias_kind"),
           _alias.c.release.label("alias_release"))
    .outerjoin(_alias, (_alias.c.effect_id == _effect.c.id) & (_alias.c.key == bindparam("key")))
    .where(_effect.c.id == bindparam("effect"))
    .order_by(_alias.c.id)
    .limit(1)
)  # fmt: skip
_CANDIDATES = select(
    _de.c.id, _de.c.drug_id, _de.c.context, _de.c.effect_id, _de.c.summary_rank,
    _de.c.flag.isnot(None),
).where(
    _de.c.drug_id.in_(_DRUGS), _de.c.effect_id.in_(bindparam("effects", expanding=True))
)  # fmt: skip
_FACTS = (
    select(_fact.c.id, _fact.c.effect_id, _fact.c.aspect, _fact.c.text, *_EFFECT)
    .join(_effect, _effect.c.id == _fact.c.effect_id)
    .where(
        _fact.c.effect_id.in_(bindparam("owners", expanding=True)),
        _fact.c.aspect.in_(bindparam("aspects", expanding=True)),
    )
    .order_by(_fact.c.aspect, _fact.c.position)
)
_WARNINGS = (
    select(_warning.c.id, _warning.c.drug_id, _warning.c.kind, _warning.c.title,
           _warning.c.text, _warning.c.interacts_with)
    .where(_warning.c.drug_id.in_(_DRUGS), _warning.c.kind.in_(bindparam("kinds", expanding=True)))
    .order_by(_warning.c.drug_id, _warning.c.position)
)  # fmt: skip
_CLASSES = (
    select(_member.c.drug_id, _class.c.slug)
    .join(_class, _class.c.id == _member.c.class_id)
    .where(_member.c.drug_id.in_(_DRUGS))
)


def symptom_row(session: Session, effect_id: int, asked: str) -> Any:
    """The symptom's effect columns (an EffectRef's), its broader term, its MedDRA term's key,
    and the alias the ASKED words are (alias_kind, alias_release; None if they are none)."""
    values = {"effect": effect_id, "key": name_key(asked)}
    return session.connection().execute(_SYMPTOM, values).one()


def candidates(
    session: Session, by_effect: dict[int, TermMatch], drug_ids: list[int]
) -> dict[tuple[int, Context], list[Candidate]]:
    """(drug, context) -> the records of the symptom's terms, flagged ones too: a source that
    lists the effect is never reported as no source (the flag travels with the record)."""
    rows = session.connection().execute(
        _CANDIDATES, {"drugs": drug_ids, "effects": list(by_effect)}
    )
    out: dict[tuple[int, Context], list[Candidate]] = defaultdict(list)
    for record_id, drug_id, context, effect_id, rank, flagged in rows:
        out[drug_id, context].append((record_id, effect_id, rank, bool(flagged)))
    return out


def facts(
    session: Session, effect_id: int, broader: int | None, aspects: Iterable[ProfileAspect]
) -> tuple[list[Any], Cites]:
    """The facts of the symptom's condition record and its broader term's, in aspect and
    position order, with their citations."""
    owners = [effect_id, *([broader] if broader else [])]
    rows = session.connection().execute(_FACTS, {"owners": owners, "aspects": list(aspects)}).all()
    return list(rows), cites_of(session, "effect_fact_id", [r.id for r in rows])


def warnings(session: Session, drug_ids: list[int], kinds: Iterable[WarningKind]) -> list[Any]:
    """The warnings of KINDS of the drugs, in drug and position order."""
    return list(session.connection().execute(_WARNINGS, {"drugs": drug_ids, "kinds": list(kinds)}))


def class_slugs(session: Session, drug_ids: list[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for drug_id, slug in session.connection().execute(_CLASSES, {"drugs": drug_ids}):
        out[drug_id].add(slug)
    return out
